from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "hostledger.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge base: categories and articles in each language of the site"
