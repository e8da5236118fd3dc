"""Permissions of the performance area: aggregates only, so none of them reveals a person."""

PERFORMANCE_VIEW = "performance.view"  # role dashboards and their exports
PERFORMANCE_NATIONAL = "performance.national"  # the same metric for every region side by side
PERFORMANCE_CATALOGUE = "performance.catalogue"  # the metric definitions
