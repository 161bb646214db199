"""Exact tab names and the headers of the service-owned tabs (PRODUCT.md).

One place for every name, so a later localisation changes one file.
"""

from __future__ import annotations

LIST_PREFIX = "List - "

# Staff-entered template tabs (created by ``init``; the service never overwrites an entered cell)
STAFF = "Staff"
STOCKTAKING = "Stocktaking"
FRAMEWORK = "Framework"
STORIES = "Stories"
ATTENDANCE = "Attendance"
EXPERIENTIAL = "Experiential actions"
VOLUNTEERING = "Volunteering"
EVENT_FEEDBACK = "Event feedback"
COMMUNICATIONS = "Communications"
STAKEHOLDERS = "Stakeholders"
OUTREACH = "Outreach"
PDCA = "PDCA"
SURVEY = "Pre-graduation survey"  # guide §3 #3; Google Forms responses tabs are read the same way

TEMPLATE_TABS = (
    STAFF,
    STOCKTAKING,
    FRAMEWORK,
    STORIES,
    ATTENDANCE,
    EXPERIENTIAL,
    VOLUNTEERING,
    EVENT_FEEDBACK,
    COMMUNICATIONS,
    STAKEHOLDERS,
    OUTREACH,
    PDCA,
    SURVEY,
)

# Service-owned output tabs (rewritten each sync, protected)
ALUMNI = "Alumni"
REVIEW = "Review"
OUTREACH_STATUS = "Outreach status"
ROLLUP = "Rollup"
DATA_ISSUES = "Data issues"
SYNC_LOG = "Sync log"
STATE = "_sheets_sync_state"  # hidden, protected: ids, aliases, sent mail, suppressions, lock

OUTPUT_TABS = (ALUMNI, REVIEW, OUTREACH_STATUS, ROLLUP, DATA_ISSUES, SYNC_LOG, STATE)

ALUMNI_HEADERS = (
    "Alumni ID",
    "Name",
    "Emails",
    "Phones",
    "Graduation year",
    "Qualification",
    "Department",
    "Category",
    "Consent",
    "Consent source",
    "Owner",
    "Owner override",  # staff-entered: survives every rewrite (keyed by Alumni ID)
    "Also known to",
    "Sources",
    "Match confidence",
    "Last contact",
    "Wants to get",  # pre-graduation survey GET answers (guide §3 #3)
    "Offers to help",  # pre-graduation survey HELP answers: proposed in the office digest
)
ALUMNI_STAFF_COLUMNS = ("Owner override",)

REVIEW_HEADERS = (  # Decision and the two names first: frozen, on screen on a laptop
    "Decision",  # staff-entered: Same / Different
    "Name A",
    "Name B",
    "Alumni ID A",
    "Alumni ID B",
    "Confidence",  # the same scale as Alumni "Match confidence"
    "Reasons",
    "Email A",
    "Email B",
    "Phone A",
    "Phone B",
    "Student ID A",
    "Student ID B",
    "Birth date A",
    "Birth date B",
    "Graduation year A",
    "Graduation year B",
    "Qualification A",
    "Qualification B",
    "Source A",
    "Source B",
)
# Column widths (characters) sized so Decision, both names, both Alumni IDs, the confidence and the
# reasons fit a 1366 px laptop screen; the first three columns stay frozen when scrolling right.
REVIEW_WIDTHS = {
    "Decision": 10, "Name A": 22, "Name B": 22, "Alumni ID A": 10, "Alumni ID B": 10, "Confidence": 10,
    "Reasons": 46, "Email A": 24, "Email B": 24, "Phone A": 15, "Phone B": 15, "Student ID A": 11,
    "Student ID B": 11, "Birth date A": 11, "Birth date B": 11, "Graduation year A": 9, "Graduation year B": 9,
    "Qualification A": 18, "Qualification B": 18, "Source A": 20, "Source B": 20,
}  # fmt: skip
REVIEW_FROZEN_COLUMNS = 3
REVIEW_NOTES = {
    "Decision": "Same = these two rows are one person: their alumni are joined next sync, nothing else "
    "changes. Different = never put them together. Clearing the cell changes nothing.",
    "Confidence": "How sure the matcher is that the two rows are one person, on the same 0-1 scale as "
    "Alumni › Match confidence: pairs at {line} or more are merged automatically, Review holds the "
    "ones below. Pairs that join the most list rows come first.",
    "Reasons": "What agrees, then what differs, and how many list rows a Same would join.",
}
REVIEW_STAFF_COLUMNS = ("Decision",)
REVIEW_DECISIONS = ("Same", "Different")

OUTREACH_STATUS_HEADERS = (
    "Outreach row",
    "Date",
    "Alumnus (as entered)",
    "Alumni ID",
    "Resolved name",
    "Owner to loop in",
    "Purpose",
    "Requested by",
    "Status",
    "Warning",
)

DATA_ISSUES_HEADERS = ("Tab", "Row", "Column", "Value", "Problem", "Fix", "List owner")

SYNC_LOG_HEADERS = (
    "Run ID",
    "Started",
    "Finished",
    "Duration (s)",
    "Outcome",
    "Mode",
    "Lists read",
    "Rows read",
    "Alumni",
    "New alumni",
    "Merges",
    "Review pairs",
    "Data issues",
    "Mails sent",
    "Mails failed",
    "API calls",
    "Message",
)

STATE_HEADERS = ("Kind", "Key", "Value", "Updated")

# Headers of the staff-entered template tabs. ``init`` creates them (with help notes, dropdowns
# and the guide's fixed rows, see templates/); the core reads them by these names.
# A person may add columns or rows; the service never removes or overwrites what they typed.
TEMPLATE_HEADERS: dict[str, tuple[str, ...]] = {
    STAFF: ("Name", "Email", "Role", "Department", "Receives digest"),
    STOCKTAKING: ("Section", "Item", "Ticked", "Answer", "Notes"),
    FRAMEWORK: (
        "Stage",
        "Activity ideas",
        "Actions already undertaken",
        "What else can be done?",
        "Mode",
        "Department",
    ),
    STORIES: (
        "Name",
        "Age",
        "VET school name",
        "VET qualification",
        "Graduation year",
        "Alumni category",
        "Current status",
        "Current status / job role",
        "Briefly describe what you're doing now",
        "How did you get there (since graduation)?",
        "Most valuable aspect of your VET school experience",
        "Would you recommend your VET school to others? Why?",
        "Do you stay in touch with your former VET school? How? Why?",
        "Who is your greatest role model?",
        "Next step in your professional career",
        "Links",
        "Story submitted by",
        "Email",
        "Interview date",
        "Consent to publish",
        "Photo submitted",
    ),
    ATTENDANCE: (
        "Event",
        "Event date",
        "Name",
        "Sex",
        "Age",
        "Year of graduation",
        "Qualification",
        "Contact (optional)",
        "Department",
    ),
    EXPERIENTIAL: (
        "Type of action",
        "Organisers",
        "Date",
        "Duration",
        "Venue",
        "Number of participants",
        "% Female",
        "Department",
    ),
    VOLUNTEERING: (
        "Type of contribution",
        "Date",
        "Volunteer name",
        "Graduation year",
        "Qualification",
        "Volunteering hours",
        "Organiser",
        "Contact (optional)",
        "Department",
    ),
    EVENT_FEEDBACK: ("Event", "Event date", "Respondent (optional)", "Score (0-10)", "Comment"),
    COMMUNICATIONS: (
        "Period",
        "Channel",
        "Recipients",
        "Open rate (%)",
        "Click-through rate (%)",
        "Unsubscribe rate (%)",
        "Followers",
        "Interactions",
        "Survey responses",
    ),
    STAKEHOLDERS: ("Stakeholder", "What's in it for them?", "What may put them off?", "Contact person"),
    OUTREACH: ("Date", "Alumnus", "Alumni ID", "Email", "Purpose", "Requested by", "Channel", "Notes"),
    PDCA: ("Building block", "Plan", "Do", "Check", "Act", "Status"),
    SURVEY: (
        "Date",
        "Name",
        "Email",
        "Phone",
        "Qualification",
        "Expected graduation year",
        "Keep in touch?",
        "Would like to get (GET)",
        "Would like to offer (HELP)",
    ),
}

# Fixed choices (dropdowns) shared by templates, lists and rollups.
# The guide's task table (§2, "identify the type(s) of alumni"); a school adds its own with
# [school] categories (before "Other", see ``alumni_categories``).
ALUMNI_CATEGORIES = (
    "Graduates",
    "Non-Graduates",
    "Certificate or Award",
    "Apprentices",
    "Visiting students",
    "Former employees",
    "Other",
)


def alumni_categories(extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The guide's categories with the school's own inserted before ``Other`` (no duplicates)."""
    known = {c.casefold() for c in ALUMNI_CATEGORIES}
    added = tuple(c for c in dict.fromkeys(extra) if c.casefold() not in known)
    return (*ALUMNI_CATEGORIES[:-1], *added, ALUMNI_CATEGORIES[-1])


CURRENT_STATUS = ("Working for others", "Self-employed", "Further studies", "Volunteering", "Other")
YES_NO = ("Yes", "No")
PDCA_STATUS = ("Not started", "In progress", "Done")
FRAMEWORK_STAGES = ("Awareness", "Belonging", "Competence", "Industry experience", "Alumni support")
ENGAGEMENT_MODES = ("V", "E", "C")  # Volunteer, Experiential, Communication (CASE, guide §3 #4)
STAFF_ROLES = (
    "Alumni office",
    "Careers office",
    "Tutor",
    "Mentor",
    "Class teacher",
    "Teacher",
    "Head of department",
    "School leader",
    "Other",
)
OFFICE_ROLES = ("Alumni office", "Careers office")


# The fields a teacher list's columns may be mapped to ([lists.columns] in the config, headers.py)
FIELDS = (
    "first_name",
    "surname",
    "full_name",
    "email",
    "phone",
    "student_id",
    "birth_date",
    "graduation_year",
    "qualification",
    "department",
    "category",
    "role",
    "strength",
    "last_contact",
    "consent",
    "notes",
    "address",
    "postcode",
    "city",
)
