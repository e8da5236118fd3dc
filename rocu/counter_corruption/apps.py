from django.apps import AppConfig


class CounterCorruptionConfig(AppConfig):
    name = "rocu.counter_corruption"
    label = "counter_corruption"
    verbose_name = "Counter-corruption monitoring"
