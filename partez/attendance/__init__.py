"""Check-in at a door, shared by every gathering that is not the Fête: trainings, workshops for
families, the Sac Ados ceremony, the colloque. The Fête keeps its own machinery (invitations with
entitlements, stands, hand-overs); this app is the general case: a roster (a door's list), one
ticket per expected person (a short code and its QR), one attendance per ticket, recorded once
whatever the device re-sends (a repeated nonce is answered with the first result).

The owning app decides who may scan a kind of roster and what happens on a check-in, by
registering the kind (:mod:`partez.attendance.registry`) in its ``AppConfig.ready()``.
"""
