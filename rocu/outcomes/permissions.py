"""Outcomes permissions: outcomes can name a person (an arrest, a conviction), so
viewing and recording are personal; validating a disruption claim is the ROCU head's
or an LRO's; the summary counts are aggregate."""

OUTCOMES_VIEW = "outcomes.view"
OUTCOMES_RECORD = "outcomes.record"
DISRUPTIONS_VALIDATE = "outcomes.disruptions_validate"
OUTCOMES_AGGREGATE = "outcomes.aggregate"

PERSONAL = {OUTCOMES_VIEW, OUTCOMES_RECORD, DISRUPTIONS_VALIDATE}
