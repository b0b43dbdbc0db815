"""The staff dashboard: login, leads, overview charts and job openings."""
