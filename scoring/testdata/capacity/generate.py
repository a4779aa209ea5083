"""Writes the hand-written capacity-gap plans of this folder (README.md)."""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

def rc(addr, typ, name, provider, actions, before, after, reason=None, replace_paths=None, after_unknown=None):
    ch = {"actions": actions, "before": before, "after": after,
          "after_unknown": after_unknown or {}, "before_sensitive": {}, "after_sensitive": {}}
    if replace_paths:
        ch["replace_paths"] = replace_paths
    r = {"address": addr, "mode": "managed", "type": typ, "name": name,
         "provider_name": "registry.terraform.io/hashicorp/" + provider, "change": ch}
    if reason:
        r["action_reason"] = reason
    return r

def state_res(addr, typ, name, provider, values, deps=None):
    r = {"address": addr, "mode": "managed", "type": typ, "name": name,
         "provider_name": "registry.terraform.io/hashicorp/" + provider, "schema_version": 0,
         "values": values, "sensitive_values": {}}
    if deps:
        r["depends_on"] = deps
    return r

def cfg_res(addr, typ, name, provider, exprs):
    return {"address": addr, "mode": "managed", "type": typ, "name": name,
            "provider_config_key": provider, "expressions": exprs, "schema_version": 0}

def ref(*refs):
    return {"references": list(refs)}

def plan(changes, prior, config, provider):
    planned = []
    for c in changes:
        if c["change"]["after"] is not None:
            planned.append({"address": c["address"], "mode": "managed", "type": c["type"], "name": c["name"],
                            "provider_name": c["provider_name"], "schema_version": 0,
                            "values": c["change"]["after"], "sensitive_values": {}})
    return {
        "format_version": "1.2", "terraform_version": "1.11.4",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "prior_state": {"format_version": "1.0", "terraform_version": "1.11.4",
                        "values": {"root_module": {"resources": prior}}},
        "configuration": {"provider_config": {provider: {"name": provider, "full_name": "registry.terraform.io/hashicorp/" + provider}},
                          "root_module": {"resources": config}},
        "timestamp": "2026-05-01T12:00:00Z", "applyable": True, "complete": True, "errored": False,
    }

def write(name, p):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(p, f, indent=1, sort_keys=False)
        f.write("\n")

# ---- GKE: google_container_cluster + google_container_node_pool
# https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/container_node_pool
cluster = {"id": "projects/example-project/locations/europe-west1/clusters/main", "name": "main",
           "location": "europe-west1", "project": "example-project", "remove_default_node_pool": True,
           "initial_node_count": 1, "deletion_protection": True, "network": "default", "subnetwork": "default"}
def pool(name, location):
    return {"id": "projects/example-project/locations/%s/clusters/main/nodePools/%s" % (location, name),
            "name": name, "name_prefix": "", "cluster": "main", "location": location, "project": "example-project",
            "node_count": 3, "initial_node_count": 3, "node_locations": ["europe-west1-b"],
            "version": "1.30.5-gke.1014001",
            "autoscaling": [], "management": [{"auto_repair": True, "auto_upgrade": True}],
            "node_config": [{"machine_type": "e2-standard-4", "disk_size_gb": 100, "disk_type": "pd-balanced",
                             "image_type": "COS_CONTAINERD", "preemptible": False, "spot": False,
                             "oauth_scopes": ["https://www.googleapis.com/auth/cloud-platform"]}],
            "upgrade_settings": [{"max_surge": 1, "max_unavailable": 0, "strategy": "SURGE"}]}

def gke(actions, second_pool):
    old = pool("primary", "europe-west1-b")
    new = copy.deepcopy(old); new["location"] = "europe-west1"; new["id"] = None
    changes = [rc("google_container_cluster.main", "google_container_cluster", "main", "google", ["no-op"], cluster, cluster)]
    prior = [state_res("google_container_cluster.main", "google_container_cluster", "main", "google", cluster)]
    config = [cfg_res("google_container_cluster.main", "google_container_cluster", "main", "google",
                      {"name": {"constant_value": "main"}, "location": {"constant_value": "europe-west1"}})]
    pools = [("primary", old, new, actions)]
    if second_pool:
        sp = pool("batch", "europe-west1")
        pools.append(("batch", sp, sp, ["no-op"]))
    for name, b, a, act in pools:
        addr = "google_container_node_pool." + name
        kw = {}
        if act != ["no-op"]:
            kw = dict(reason="replace_because_cannot_update", replace_paths=[["location"]], after_unknown={"id": True})
        changes.append(rc(addr, "google_container_node_pool", name, "google", act, b, a, **kw))
        prior.append(state_res(addr, "google_container_node_pool", name, "google", b, ["google_container_cluster.main"]))
        config.append(cfg_res(addr, "google_container_node_pool", name, "google",
                              {"name": {"constant_value": name},
                               "cluster": ref("google_container_cluster.main.name", "google_container_cluster.main"),
                               "location": ref("google_container_cluster.main.location", "google_container_cluster.main")}))
    return plan(changes, prior, config, "google")

write("gke-only-pool-replaced.json", gke(["delete", "create"], False))
write("gke-only-pool-cbd.json", gke(["create", "delete"], False))
write("gke-two-pools-one-replaced.json", gke(["delete", "create"], True))

# ---- Azure: the only azurerm_linux_virtual_machine, forced by name and os_disk.0.name
# https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/linux_virtual_machine
rg = {"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app", "name": "rg-app", "location": "westeurope", "tags": {}}
nic = {"id": rg["id"] + "/providers/Microsoft.Network/networkInterfaces/nic-app", "name": "nic-app", "location": "westeurope",
       "resource_group_name": "rg-app",
       "ip_configuration": [{"name": "internal", "private_ip_address_allocation": "Dynamic",
                             "subnet_id": rg["id"] + "/providers/Microsoft.Network/virtualNetworks/vnet-app/subnets/app"}]}
def vm(name, disk):
    return {"id": rg["id"] + "/providers/Microsoft.Compute/virtualMachines/" + name, "name": name,
            "resource_group_name": "rg-app", "location": "westeurope", "size": "Standard_B2s",
            "admin_username": "azureuser", "disable_password_authentication": True,
            "network_interface_ids": [nic["id"]],
            "admin_ssh_key": [{"username": "azureuser", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample example"}],
            "os_disk": [{"name": disk, "caching": "ReadWrite", "storage_account_type": "Standard_LRS", "disk_size_gb": 30,
                         "write_accelerator_enabled": False, "diff_disk_settings": [], "disk_encryption_set_id": "",
                         "secure_vm_disk_encryption_set_id": "", "security_encryption_type": ""}],
            "source_image_reference": [{"publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"}],
            "tags": {}}
old, new = vm("vm-app", "osdisk-app"), vm("vm-app-01", "osdisk-app-01")
new["id"] = None
changes = [
    rc("azurerm_resource_group.app", "azurerm_resource_group", "app", "azurerm", ["no-op"], rg, rg),
    rc("azurerm_network_interface.app", "azurerm_network_interface", "app", "azurerm", ["no-op"], nic, nic),
    rc("azurerm_linux_virtual_machine.app", "azurerm_linux_virtual_machine", "app", "azurerm", ["delete", "create"], old, new,
       reason="replace_because_cannot_update", replace_paths=[["name"], ["os_disk", 0, "name"]], after_unknown={"id": True}),
]
prior = [
    state_res("azurerm_resource_group.app", "azurerm_resource_group", "app", "azurerm", rg),
    state_res("azurerm_network_interface.app", "azurerm_network_interface", "app", "azurerm", nic, ["azurerm_resource_group.app"]),
    state_res("azurerm_linux_virtual_machine.app", "azurerm_linux_virtual_machine", "app", "azurerm", old,
              ["azurerm_network_interface.app", "azurerm_resource_group.app"]),
]
config = [
    cfg_res("azurerm_resource_group.app", "azurerm_resource_group", "app", "azurerm", {"name": {"constant_value": "rg-app"}}),
    cfg_res("azurerm_network_interface.app", "azurerm_network_interface", "app", "azurerm",
            {"resource_group_name": ref("azurerm_resource_group.app.name", "azurerm_resource_group.app")}),
    cfg_res("azurerm_linux_virtual_machine.app", "azurerm_linux_virtual_machine", "app", "azurerm",
            {"name": {"constant_value": "vm-app-01"},
             "resource_group_name": ref("azurerm_resource_group.app.name", "azurerm_resource_group.app"),
             "network_interface_ids": ref("azurerm_network_interface.app.id", "azurerm_network_interface.app"),
             "os_disk": [{"name": {"constant_value": "osdisk-app-01"}}]}),
]
write("azure-only-vm-replaced.json", plan(changes, prior, config, "azurerm"))

# ---- AWS: an auto-scaling group behind an ALB, replaced destroy-first
# https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/autoscaling_group
arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:"
lb = {"id": arn + "loadbalancer/app/web/50dc6c495c0c9188", "arn": arn + "loadbalancer/app/web/50dc6c495c0c9188", "name": "web",
      "internal": False, "load_balancer_type": "application", "enable_deletion_protection": False,
      "dns_name": "web-123456789.eu-west-1.elb.amazonaws.com", "subnets": ["subnet-0a1b2c3d", "subnet-1a2b3c4d"], "tags": {}}
tg = {"id": arn + "targetgroup/web/73e2d6bc24d8a067", "arn": arn + "targetgroup/web/73e2d6bc24d8a067", "name": "web",
      "port": 80, "protocol": "HTTP", "vpc_id": "vpc-0123456789abcdef0", "target_type": "instance", "tags": {}}
listener = {"id": arn + "listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2", "arn": arn + "listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2",
            "load_balancer_arn": lb["arn"], "port": 80, "protocol": "HTTP",
            "default_action": [{"type": "forward", "target_group_arn": tg["arn"], "order": 1}]}
lt = {"id": "lt-0abcd1234efgh5678", "name": "web", "image_id": "ami-0123456789abcdef0", "instance_type": "t3.small", "latest_version": 3}
def asg(name):
    return {"id": name, "name": name, "name_prefix": "", "min_size": 2, "max_size": 4, "desired_capacity": 2,
            "vpc_zone_identifier": ["subnet-0a1b2c3d", "subnet-1a2b3c4d"], "target_group_arns": [tg["arn"]],
            "health_check_type": "ELB", "health_check_grace_period": 300, "force_delete": False,
            "launch_template": [{"id": lt["id"], "name": "web", "version": "$Latest"}], "tag": []}
old, new = asg("web-asg"), asg("web-asg-v2")
new["id"] = None
entries = [
    ("aws_lb.web", "aws_lb", "web", lb, ["no-op"], None, {"name": {"constant_value": "web"}}, []),
    ("aws_lb_target_group.web", "aws_lb_target_group", "web", tg, ["no-op"], None, {"name": {"constant_value": "web"}}, []),
    ("aws_lb_listener.web", "aws_lb_listener", "web", listener, ["no-op"], None,
     {"load_balancer_arn": ref("aws_lb.web.arn", "aws_lb.web"),
      "default_action": [{"target_group_arn": ref("aws_lb_target_group.web.arn", "aws_lb_target_group.web")}]},
     ["aws_lb.web", "aws_lb_target_group.web"]),
    ("aws_launch_template.web", "aws_launch_template", "web", lt, ["no-op"], None, {"name": {"constant_value": "web"}}, []),
    ("aws_autoscaling_group.web", "aws_autoscaling_group", "web", old, ["delete", "create"], new,
     {"name": {"constant_value": "web-asg-v2"},
      "target_group_arns": ref("aws_lb_target_group.web.arn", "aws_lb_target_group.web"),
      "launch_template": [{"id": ref("aws_launch_template.web.id", "aws_launch_template.web")}]},
     ["aws_launch_template.web", "aws_lb_target_group.web"]),
]
changes, prior, config = [], [], []
for addr, typ, name, before, act, after, exprs, deps in entries:
    kw = {}
    if act != ["no-op"]:
        kw = dict(reason="replace_because_cannot_update", replace_paths=[["name"]], after_unknown={"id": True})
    changes.append(rc(addr, typ, name, "aws", act, before, after if after is not None else before, **kw))
    prior.append(state_res(addr, typ, name, "aws", before, deps or None))
    config.append(cfg_res(addr, typ, name, "aws", exprs))
write("aws-asg-behind-lb-replaced.json", plan(changes, prior, config, "aws"))
