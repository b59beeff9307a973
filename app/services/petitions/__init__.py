"""The petition desk (信访): registration and its form fields, repeats, hot spots, outreach events,
drafts, cases, notices, the content search and the registration and case lists (DESIGN §2)."""
