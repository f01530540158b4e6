"""The demo's reference data: the organisations, destinations, texts and shares it draws from
(undated: the dates of the demo edition stay with the generator)."""

from __future__ import annotations

from partez.projects.workflow import Status

RELAYS = [  # (slug, name, INSEE code of the commune)
    ("mission-locale-lens-lievin", "Mission locale de Lens-Liévin", "62498"),
    ("pij-lievin", "Point information jeunesse de Liévin", "62510"),
    ("centre-social-avion", "Centre social Nelson-Mandela (Avion)", "62065"),
    ("centre-social-harnes", "Centre social et culturel de Harnes", "62413"),
    ("point-jeunes-bully", "Point jeunes de Bully-les-Mines", "62186"),
    ("centre-social-mericourt", "Centre social Max-Pol-Fouchet (Méricourt)", "62570"),
    ("maison-solidarites-sallaumines", "Maison des solidarités de Sallaumines", "62771"),
    ("espace-jeunesse-wingles", "Espace jeunesse de Wingles", "62895"),
    ("centre-social-billy-montigny", "Centre social de Billy-Montigny", "62133"),
    ("pij-grenay", "Point information jeunesse de Grenay", "62386"),
]
FUNDERS = [
    ("call", "Communauté d'agglomération de Lens-Liévin"),
    ("departement-pas-de-calais", "Département du Pas-de-Calais"),
    ("region-hauts-de-france", "Région Hauts-de-France"),
    ("caf-pas-de-calais", "CAF du Pas-de-Calais"),
    ("ancv", "Agence nationale pour les chèques-vacances (ANCV)"),
    ("etat-prefecture-62", "État – Préfecture du Pas-de-Calais"),
    ("fondation-de-france", "Fondation de France"),
    ("fondation-vacances-pour-tous", "Fondation Vacances pour tous"),
    ("pas-de-calais-habitat", "Pas-de-Calais habitat (bailleur social)"),
    ("maisons-et-cites", "Maisons & Cités (bailleur social)"),
]
HOSTS = [
    ("camping-dieppe", "Camping de Dieppe"),
    ("camping-mers-les-bains", "Camping de Mers-les-Bains"),
    ("camping-le-treport", "Camping du Tréport"),
    ("camping-rang-du-fliers", "Camping de Rang-du-Fliers"),
    ("fondation-je-pars-tu-pars-il-part", "Fondation « Je pars, tu pars, il part »"),
]
CAMPSITES = [("Dieppe", "76"), ("Mers-les-Bains", "80"), ("Le Tréport", "76"), ("Rang-du-Fliers", "62")]
SEASIDE = [
    ("Berck", "62"),
    ("Le Touquet-Paris-Plage", "62"),
    ("Wimereux", "62"),
    ("Boulogne-sur-Mer", "62"),
    ("Fort-Mahon-Plage", "80"),
    ("Saint-Valery-sur-Somme", "80"),
    ("Le Crotoy", "80"),
    ("Cayeux-sur-Mer", "80"),
    ("Bray-Dunes", "59"),
    ("Étretat", "76"),
    ("Cabourg", "14"),
    ("Honfleur", "14"),
    ("Saint-Malo", "35"),
    ("Perros-Guirec", "22"),
    ("Quiberon", "56"),
    ("Carnac", "56"),
    ("La Baule-Escoublac", "44"),
    ("Les Sables-d'Olonne", "85"),
    ("Saint-Jean-de-Monts", "85"),
    ("La Rochelle", "17"),
    ("Royan", "17"),
    ("Arcachon", "33"),
    ("Biarritz", "64"),
    ("Argelès-sur-Mer", "66"),
    ("Le Grau-du-Roi", "30"),
    ("Palavas-les-Flots", "34"),
    ("Fréjus", "83"),
    ("Ajaccio", "2A"),
]
INLAND = [
    ("Paris", "75"),
    ("Annecy", "74"),
    ("Chamonix-Mont-Blanc", "74"),
    ("Gérardmer", "88"),
    ("Le Mont-Dore", "63"),
    ("Sarlat-la-Canéda", "24"),
    ("Amiens", "80"),
    ("Lourdes", "65"),
    ("Vallon-Pont-d'Arc", "07"),
    ("Munster", "68"),
]
SENIOR_DESTINATIONS = [
    ("Saint-Jean-de-Monts", "85"),
    ("Argelès-sur-Mer", "66"),
    ("Gérardmer", "88"),
    ("Le Mont-Dore", "63"),
    ("Quiberon", "56"),
    ("Lourdes", "65"),
    ("Berck", "62"),
    ("Carnac", "56"),
]
REFUSAL_REASONS = [
    "Ressources au-dessus du barème de la commune.",
    "Dossier incomplet à la date de la commission.",
    "Départ déjà financé cette année par un autre dispositif.",
]
WITHDRAWAL_REASONS = [
    "Raisons de santé.",
    "La famille a renoncé au séjour.",
    "Changement de situation professionnelle.",
    "Déménagement hors du territoire.",
]
NOTES = [
    "Premier rendez-vous : présentation de l'opération et des dispositifs possibles.",
    "Atelier budget : préparation du séjour et du reste à charge.",
    "Appel téléphonique : la famille hésite entre deux destinations.",
    "Pièces justificatives reçues, dossier complet.",
    "Réservation de l'hébergement confirmée.",
    "Point sur le transport : trajet en train, billets à réserver.",
]
RETURN_NOTES = [
    "Bilan au retour : séjour très apprécié, les enfants ont découvert la mer.",
    "Retour positif, la famille souhaite repartir en autonomie l'an prochain.",
    "Séjour écourté d'un jour à cause de la météo, bilan satisfaisant malgré tout.",
]
APPOINTMENTS = [
    "Rendez-vous au CCAS pour constituer le dossier.",
    "Rendez-vous de préparation au départ.",
    "Atelier budget collectif.",
    "Rendez-vous pour compléter les pièces justificatives.",
]
HOUSEHOLD_TYPES = [  # (kind, weight): every type of household the operation meets
    ("single", 17),
    ("young_adult", 7),
    ("couple", 8),
    ("single_parent", 17),
    ("family", 30),
    ("senior_single", 10),
    ("senior_couple", 7),
    ("with_relative", 4),
]
STATUS_SHARES = {
    Status.DRAFT: 7,
    Status.SUBMITTED: 8,
    Status.VALIDATED: 7,
    Status.REFUSED: 5,
    Status.AID_GRANTED: 12,
    Status.DEPARTED: 5,
    Status.RETURNED: 16,
    Status.EVALUATED: 30,
    Status.WITHDRAWN: 10,
}
PROGRESS = [
    Status.DRAFT,
    Status.SUBMITTED,
    Status.VALIDATED,
    Status.AID_GRANTED,
    Status.DEPARTED,
    Status.RETURNED,
]
PROGRESS += [Status.EVALUATED]
