"""test/compat's seed workflow, its python-neutronclients authenticated by Keystone.

Usage: neutron_workflow_keystone.py <clouds.yaml> <demo cloud> <admin cloud>
Each client gets a keystoneauth1 session (password authentication as the cloud's user) and finds
the API in the token's catalog (service type network, interface public, the cloud's region); the
workflow itself is test/compat/neutron_workflow.py, run unchanged. Prints its JSON document.
"""
import os
import runpy
import sys

import yaml
from keystoneauth1 import session
from keystoneauth1.identity import v3
from neutronclient.v2_0 import client

clouds_file, demo_cloud, admin_cloud = sys.argv[1:4]
with open(clouds_file) as f:
    clouds = yaml.safe_load(f)["clouds"]


def keystone_session(name):
    cloud = clouds[name]
    auth = cloud["auth"]
    password = v3.Password(
        auth_url=auth["auth_url"], username=auth["username"], password=auth["password"], project_name=auth["project_name"],
        user_domain_name=auth.get("user_domain_name", "Default"), project_domain_name=auth.get("project_domain_name", "Default"),
    )
    return session.Session(auth=password), cloud.get("region_name")


sessions = {name: keystone_session(name) for name in (demo_cloud, admin_cloud)}
token_client_init = client.Client.__init__


def keystone_client_init(self, endpoint_url=None, token=None, **kwargs):
    # The workflow builds its clients from an endpoint and a token; here its "token" names the
    # cloud, and the endpoint comes from the catalog, never from the command line. The class
    # stays the same (its __init__ calls super(Client, self)), only how it is built changes.
    sess, region = sessions[token]
    token_client_init(self, session=sess, region_name=region, endpoint_type="public")


client.Client.__init__ = keystone_client_init
workflow = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "compat", "neutron_workflow.py")
sys.argv = [workflow, "unused: the catalog names the endpoint", demo_cloud, admin_cloud]
runpy.run_path(workflow, run_name="__main__")
