"""Records management permissions: review and retention, subject access (DPA 2018 s.45)."""

RECORDS_REVIEW = "records.review"
SUBJECT_ACCESS = "records.subject_access"

PERSONAL = {RECORDS_REVIEW, SUBJECT_ACCESS}
