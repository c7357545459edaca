"""The seed's workflow through the real python-neutronclient (Debian's python3-neutronclient).

Usage: neutron_workflow.py <endpoint> <demo token> <admin token>
Prints one JSON document: what each call returned and how each rejection surfaced, for the
jest spec beside this file to check.
"""
import json
import sys

from neutronclient.common import exceptions
from neutronclient.v2_0 import client

endpoint, demo_token, admin_token = sys.argv[1:4]
demo = client.Client(endpoint_url=endpoint, token=demo_token)
admin = client.Client(endpoint_url=endpoint, token=admin_token)
out = {}


def rejection(call):
    try:
        call()
    except exceptions.NeutronClientException as e:
        return {"class": type(e).__name__, "status": e.status_code, "message": str(e).splitlines()[0]}
    return None


vipnet = demo.create_network({"network": {"name": "vipnet"}})["network"]
vipsubnet = demo.create_subnet({"subnet": {"name": "vipsubnet", "network_id": vipnet["id"], "cidr": "198.18.1.0/24", "ip_version": 4}})["subnet"]
poolnet = demo.create_network({"network": {"name": "poolnet"}})["network"]
poolsubnet = demo.create_subnet({"subnet": {"name": "poolsubnet", "network_id": poolnet["id"], "cidr": "198.18.2.0/24", "ip_version": 4}})["subnet"]
public = admin.create_network({"network": {"name": "Public", "router:external": True, "shared": True}})["network"]
admin.create_subnet({"subnet": {"name": "public", "network_id": public["id"], "cidr": "198.19.0.0/24", "ip_version": 4}})

pool = demo.create_pool({"pool": {"name": "mypool", "lb_method": "ROUND_ROBIN", "protocol": "HTTP", "subnet_id": poolsubnet["id"]}})["pool"]
m1 = demo.create_member({"member": {"pool_id": pool["id"], "address": "198.18.2.11", "protocol_port": 80}})["member"]
m2 = demo.create_member({"member": {"pool_id": pool["id"], "address": "198.18.2.12", "protocol_port": 80}})["member"]
hm = demo.create_health_monitor({"health_monitor": {"type": "HTTP", "delay": 20, "timeout": 10, "max_retries": 3}})["health_monitor"]
out["associate"] = demo.associate_health_monitor(pool["id"], {"health_monitor": {"id": hm["id"]}})
out["pool_with_monitor"] = demo.show_pool(pool["id"])["pool"]
demo.disassociate_health_monitor(pool["id"], hm["id"])
vip = demo.create_vip({"vip": {"name": "myvip", "protocol_port": 80, "protocol": "HTTP", "subnet_id": vipsubnet["id"], "pool_id": pool["id"]}})["vip"]
fip = demo.create_floatingip({"floatingip": {"floating_network_id": public["id"]}})["floatingip"]
out["fip_associated"] = demo.update_floatingip(fip["id"], {"floatingip": {"port_id": vip["port_id"]}})["floatingip"]
out["vip"] = vip
out["stats"] = demo.retrieve_pool_stats(pool["id"])

out["list_pools_by_name"] = [p["id"] for p in demo.list_pools(name="mypool")["pools"]]
out["list_members_of_pool"] = sorted(m["address"] for m in demo.list_members(pool_id=pool["id"])["members"])
out["list_vips"] = [v["id"] for v in demo.list_vips()["vips"]]
out["list_monitors"] = [h["id"] for h in demo.list_health_monitors()["health_monitors"]]
out["list_networks_by_name"] = [n["name"] for n in demo.list_networks(name=["vipnet", "poolnet"])["networks"]]
out["list_subnets"] = sorted(s["cidr"] for s in demo.list_subnets()["subnets"])  # the shared Public subnet too
out["list_ports"] = [p["device_owner"] for p in demo.list_ports()["ports"]]
out["list_floatingips"] = [f["port_id"] for f in demo.list_floatingips()["floatingips"]]
out["show_member"] = demo.show_member(m1["id"])["member"]
out["show_vip"] = demo.show_vip(vip["id"])["vip"]
out["show_monitor"] = demo.show_health_monitor(hm["id"])["health_monitor"]
out["show_network"] = demo.show_network(vipnet["id"])["network"]
out["show_subnet"] = demo.show_subnet(vipsubnet["id"])["subnet"]
out["show_port"] = demo.show_port(vip["port_id"])["port"]
out["show_floatingip"] = demo.show_floatingip(fip["id"])["floatingip"]
out["update_pool"] = demo.update_pool(pool["id"], {"pool": {"lb_method": "LEAST_CONNECTIONS"}})["pool"]
out["update_member"] = demo.update_member(m2["id"], {"member": {"weight": 3}})["member"]
out["update_vip"] = demo.update_vip(vip["id"], {"vip": {"connection_limit": 1000}})["vip"]
out["update_monitor"] = demo.update_health_monitor(hm["id"], {"health_monitor": {"max_retries": 5}})["health_monitor"]
out["update_network"] = demo.update_network(vipnet["id"], {"network": {"name": "vipnet2"}})["network"]
out["update_subnet"] = demo.update_subnet(vipsubnet["id"], {"subnet": {"name": "vipsubnet2"}})["subnet"]

out["rejections"] = {
    "pool_in_use": rejection(lambda: demo.delete_pool(pool["id"])),
    "missing_pool": rejection(lambda: demo.show_pool("00000000-0000-4000-8000-000000000000")),
    "invalid_monitor": rejection(lambda: demo.create_health_monitor({"health_monitor": {"type": "HTTP", "delay": 5, "timeout": 10, "max_retries": 3}})),
    "network_in_use": rejection(lambda: demo.delete_network(vipnet["id"])),
    "missing_network": rejection(lambda: demo.show_network("00000000-0000-4000-8000-000000000000")),
    "address_in_use": rejection(lambda: demo.create_vip({"vip": {"protocol_port": 81, "protocol": "HTTP", "subnet_id": vipsubnet["id"], "pool_id": pool["id"], "address": vip["address"]}})),
    "other_tenant": rejection(lambda: client.Client(endpoint_url=endpoint, token=admin_token).show_pool("00000000-0000-4000-8000-000000000001")),
}
out["extensions"] = [e["alias"] for e in demo.list_extensions()["extensions"]]
out["lbaas_extension"] = demo.show_extension("lbaas")["extension"]["alias"]

demo.update_floatingip(fip["id"], {"floatingip": {"port_id": None}})
demo.delete_vip(vip["id"])
demo.delete_member(m1["id"])
demo.delete_member(m2["id"])
demo.delete_pool(pool["id"])
demo.delete_health_monitor(hm["id"])
demo.delete_floatingip(fip["id"])
for s in (vipsubnet, poolsubnet):
    demo.delete_subnet(s["id"])
for n in (vipnet, poolnet):
    demo.delete_network(n["id"])
out["left_after_deletes"] = {
    "pools": len(demo.list_pools()["pools"]), "members": len(demo.list_members()["members"]), "vips": len(demo.list_vips()["vips"]),
    "health_monitors": len(demo.list_health_monitors()["health_monitors"]), "floatingips": len(demo.list_floatingips()["floatingips"]),
    "ports": len(demo.list_ports()["ports"]),
    "subnets": len([s for s in demo.list_subnets()["subnets"] if s["network_id"] != public["id"]]),
}
print(json.dumps(out))
