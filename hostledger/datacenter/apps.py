from django.apps import AppConfig


class DatacenterConfig(AppConfig):
    name = "hostledger.datacenter"
    label = "datacenter"
    verbose_name = "Data centre: equipment, colocation and IP addresses"
