"""Owns the adapter's own texts: English source strings (translated through the catalogs) and value labels."""

from __future__ import annotations


def _(message: str) -> str:
    """Mark an adapter string for extraction; it is translated where it is rendered."""
    return message


# The adapter's own texts. English source, translated through the catalogs like Rasa's responses.
WELCOME = _(
    "Assalam o alaikum! I answer questions about working legally in Japan: visas, Japanese tests, documents, "
    "costs and how to avoid fake agents. I cannot promise a job or a visa.\n"
    "Which language do you prefer?"
)


CHOOSE_LANGUAGE = _("Which language do you prefer?")


LANGUAGE_SET = _("Done: I will answer in English.")


UNAVAILABLE = _("Sorry, the assistant is temporarily unavailable. Please try again in a few minutes.")


UNSUPPORTED_MEDIA = _("I can only read text messages. Please type your question.")


TOO_LONG = _(
    "Your message is too long for me (%(length)s characters). Please ask one question at a time, "
    "in up to %(limit)s characters."
)


EMPTY_MESSAGE = _("Please type your question as text.")


INVALID_BUTTON = _("That button is no longer valid. Type /help to see the topics.")


UNKNOWN_COMMAND = _(
    "I do not know that command. These are the ones I have:\n"
    "/help – the topics I can answer\n"
    "/apply – register your interest in working in Japan\n"
    "/language – choose English, Urdu or Roman Urdu\n"
    "/mydata – see what we hold about you\n"
    "/delete – erase your data\n"
    "/cancel – leave the registration\n"
    "Or simply type your question."
)


SLOW_DOWN = _("You are sending messages very fast. Please wait a few seconds, then send your question again.")


# Registration (leads). Values are canonical keys from the dialogue engine, shown with these labels.
SHARE_PHONE = _("Share my phone number")


SUMMARY = _(
    "Please check your details:\n"
    "Name: %(full_name)s\n"
    "Phone: %(phone)s\n"
    "City: %(city)s\n"
    "Age: %(age)s\n"
    "Education: %(education)s\n"
    "Field: %(field)s\n"
    "Japanese: %(japanese_level)s\n"
    "Work experience: %(experience_years)s years\n"
    "Passport: %(has_passport)s"
)


SAVED = _(
    "Thank you, your registration is saved. Placement staff may contact you about suitable legitimate openings. "
    "This is not a job offer, and nobody from us will ask you for money. See what we hold with /mydata, erase it "
    "with /delete."
)


INVALID_PROFILE = _("Sorry, something went wrong with your registration. Please type /apply to try again.")


YES = _("Yes")


NO = _("No")


VALUE_LABELS = {
    "none": _("None"),
    "primary": _("Primary / Middle"),
    "matric": _("Matric"),
    "intermediate": _("Intermediate (FA/FSc/ICS)"),
    "diploma": _("Diploma / DAE"),
    "bachelor": _("Bachelor's degree"),
    "master": _("Master's or higher"),
    "it": _("IT / software"),
    "nursing_care": _("Nursing care"),
    "building_cleaning": _("Building cleaning"),
    "manufacturing": _("Manufacturing"),
    "construction": _("Construction"),
    "shipbuilding": _("Shipbuilding"),
    "automobile_repair": _("Car repair"),
    "aviation": _("Aviation"),
    "accommodation": _("Hotels"),
    "agriculture": _("Agriculture"),
    "fishery": _("Fishery"),
    "food_manufacturing": _("Food manufacturing"),
    "food_service": _("Restaurants"),
    "automobile_transport": _("Driving / transport"),
    "railway": _("Railway"),
    "forestry": _("Forestry"),
    "wood_industry": _("Wood industry"),
    "other": _("Something else"),
}


# Route recommendations (bot/leads.py decides which). facts.md IDs are in each comment.
NO_PASSPORT = _("You will also need a valid passport: apply early, it takes time.")


MY_DATA_NONE = _("We do not hold any personal data about you.")


MY_DATA = _(
    "This is what we hold about you:\n"
    "%(summary)s\n"
    "Registered: %(created)s (consent version %(consent_version)s)\n"
    "Status: %(status)s\n"
    "Topics you asked about: %(topics)s\n"
    "Erase everything with /delete."
)


MY_DATA_LANGUAGE_ONLY = _(
    "We hold no registration about you, only your choice of language (%(chosen)s). Erase it with /delete."
)


STATUS_LABELS = {
    "new": _("received, not yet reviewed"),
    "contacted": _("our staff have contacted you"),
    "qualified": _("shortlisted by our staff"),
    "placed": _("placed"),
    "rejected": _("closed"),
}


# The topic menu's own labels (the same English strings as domain.yml's utter_help buttons).
TOPIC_LABELS = {
    "routes": _("Ways to work in Japan"),
    "ssw": _("What is SSW?"),
    "ssw_fields": _("SSW job fields"),
    "it_jobs": _("IT jobs in Japan"),
    "hsp": _("Highly Skilled visa"),
    "titp": _("Technical intern (TITP)"),
    "language_requirement": _("Japanese level needed"),
    "language_tests": _("JLPT and JFT tests"),
    "skills_test": _("SSW skills tests"),
    "learn_japanese": _("Learn Japanese"),
    "eligibility": _("Age and education"),
    "documents": _("Documents"),
    "protector": _("Protector (BEOE)"),
    "coe_visa": _("COE and visa"),
    "costs": _("Costs"),
    "fraud": _("Fake agents"),
    "oec": _("OEC"),
    "agreements": _("Pakistan-Japan deals"),
    "salary": _("Salary"),
    "family": _("Bringing family"),
    "stay_duration": _("How long you can stay"),
    "life_in_japan": _("Life in Japan"),
    "pakistanis_in_japan": _("Pakistanis in Japan"),
    "it_demand": _("IT demand in Japan"),
}


CONFIRM_DELETE = _(
    "Do you want to erase your registration, your topics and your conversation history? This cannot be undone."
)


DELETE_YES = _("Yes, erase everything")


DELETE_NO = _("No, keep it")


DELETED = _("Done: everything we held about you has been erased.")


DELETE_KEPT = _("Nothing was erased.")


STORAGE_DOWN = _("Sorry, I cannot reach our records right now. Please try again in a few minutes.")


# Job openings (bot/assistant.py lists what staff published).
JOBS_HEADER = _(
    "Open vacancies our placement staff have listed. A listing is not a job offer; never pay anyone to apply."
)


JOB_LINE = _("• %(title)s, %(employer)s, %(location)s (%(field)s; Japanese: %(level)s)")


JOB_SALARY = _("  Salary: %(low)s to %(high)s a month")


JOB_DEADLINE = _("  Apply by: %(date)s")


JOB_HOW = _("  How to apply: %(how)s")


NO_JOBS = _(
    "There are no open vacancies listed here right now. Official Japan job demands are shared by the Overseas "
    "Employment Corporation (oec.gov.pk) and by licensed promoters on BEOE's list (beoe.gov.pk/list-of-oeps). "
    "A real offer never asks you to pay for the visa or the job."
)


# Talking to a person.
HANDOFF_STARTED = _(
    "I have passed your conversation to our staff. A person will answer here, usually within a working day. "
    "Until they close the conversation I will stay quiet, and your messages go to them."
)


HANDOFF_UNAVAILABLE = _(
    "I cannot connect you to a person from this chat right now. For official help, contact the Overseas "
    "Employment Corporation (oec.gov.pk) or the Bureau of Emigration and Overseas Employment (beoe.gov.pk). "
    "Never pay anyone who contacts you privately and promises a job in Japan."
)


STAFF_SAYS = _("Staff: %(text)s")


HANDOFF_CLOSED = _("Our staff have closed this conversation. You are talking to the assistant again.")
