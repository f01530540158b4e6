"""The network of local actors: trainings (sessions, waitlists, attendance at the door,
certificates, evaluations), the resource library, the directory of who does what, events for
professionals (the colloque) and the coordination's announcements."""
