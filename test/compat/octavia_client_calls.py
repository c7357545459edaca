"""Calls the `openstack` CLI has no command for, made as a client would make them: python-octaviaclient's
OctaviaAPI on a keystoneauth1 session of a clouds.yaml cloud, the endpoint taken from Keystone's catalog
(service type load-balancer), exactly as the CLI's plugin builds its client.

    octavia_client_calls.py CLOUDS_YAML CLOUD batch-members POOL_ID MEMBERS_JSON [additive_only]
    octavia_client_calls.py CLOUDS_YAML CLOUD show-loadbalancer LB_ID

Prints one JSON object: {"status": <HTTP status>, "body": <JSON body or null>} when the call
succeeds, {"code": <HTTP status>, "message": <faultstring>} as octaviaclient reports a refusal.
"""
import json
import sys

import openstack.config
from octaviaclient.api import exceptions
from osc_lib import exceptions as osc_exceptions
from octaviaclient.api.v2 import octavia


def client(clouds_yaml, cloud):
    region = openstack.config.OpenStackConfig(config_files=[clouds_yaml]).get_one(cloud=cloud)
    session = region.get_session()
    endpoint = session.get_endpoint(service_type='load-balancer', interface='public')
    return octavia.OctaviaAPI(session=session, service_type='load-balancer', endpoint=endpoint)


@octavia.correct_return_codes
def batch_members(api, pool_id, members, additive_only):
    query = '?additive_only=true' if additive_only else ''
    # OctaviaAPI has no batch call; its generic create with PUT is the request a client sends.
    response = api.create(f'lbaas/pools/{pool_id}/members{query}', method='PUT', json={'members': members})
    return {'status': response.status_code, 'body': None}


def main(argv):
    clouds_yaml, cloud, call, *rest = argv
    api = client(clouds_yaml, cloud)
    try:
        if call == 'batch-members':
            result = batch_members(api, rest[0], json.loads(rest[1]), len(rest) > 2 and rest[2] == 'additive_only')
        elif call == 'show-loadbalancer':
            result = {'status': 200, 'body': api.load_balancer_show(rest[0])}
        else:
            raise SystemExit(f'unknown call {call}')
    except exceptions.OctaviaClientException as refused:
        result = {'code': refused.code, 'message': refused.message}
    except osc_exceptions.NotFound as missing:
        # osc_lib's find turns a 404 into its own NotFound before octaviaclient sees it.
        result = {'code': missing.http_status, 'message': missing.message}
    print(json.dumps(result))


if __name__ == '__main__':
    main(sys.argv[1:])
