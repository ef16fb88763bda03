"""Varied French office chat text for the storage bench: seeded, accented, realistic words.

`sentence(rng)` composes one message from a greeting, a request, a subject, a deadline and
sometimes a place or a second sentence, so word frequencies look like a real ministry's chat
(a few very common words, a long tail). `QUERIES` are real words users search for, with and
without their accents.
"""

from __future__ import annotations

import random

GREETINGS = [
    "Bonjour", "Bonsoir", "Salut", "Chers collègues", "Bonjour à tous", "Madame", "Monsieur",
    "Bonjour chef", "Cher ami", "Bonne journée",
]  # fmt: skip
NAMES = [
    "Hélène", "Jérôme", "François", "Thérèse", "Cédric", "Zoé", "Noël", "Agnès", "Benoît", "Joël",
    "Amélie", "Gaëlle", "Élodie", "Rodrigue", "Ngono", "Mbarga", "Etoundi", "Nkodo", "Fouda",
    "Abena", "Tchoupo", "Ndjock", "Bélinga", "Ékani", "Aïcha", "Loïc", "Mélanie", "Frédéric",
]  # fmt: skip
ASKS = [
    "il faut préparer", "merci de transmettre", "pouvez-vous vérifier", "je vous envoie",
    "nous devons finaliser", "n'oubliez pas de signer", "veuillez compléter", "j'ai bien reçu",
    "le directeur a validé", "la secrétaire générale demande", "avez-vous relu",
    "je n'ai pas encore reçu", "il manque", "qui s'occupe de", "on attend toujours",
    "le délégué régional réclame", "pensez à archiver", "je corrige", "j'ai déposé",
    "le contrôleur financier a rejeté",
]  # fmt: skip
SUBJECTS = [
    "le rapport trimestriel", "la réunion de coordination", "le procès-verbal de la réunion",
    "les congés annuels", "l'état des dépenses", "le budget de l'exercice 2027",
    "la note de service", "le décret d'application", "le dossier de mutation",
    "la fiche de notation", "le bordereau d'envoi", "la demande d'avancement",
    "le titre de paiement", "la facture du fournisseur", "le marché public des fournitures",
    "l'appel d'offres", "le plan de formation", "le séminaire de renforcement des capacités",
    "l'ordre de mission", "les frais de déplacement", "l'indemnité de logement",
    "les bulletins de salaire", "le dossier de pension", "le courrier arrivé",
    "le parapheur du ministre", "la réclamation de l'usager", "le rapport d'audit",
    "l'inventaire du matériel", "le véhicule de service", "les bons de carburant",
    "la panne du réseau", "l'imprimante du secrétariat", "le logiciel de paie",
    "la sécurité du bâtiment", "le recrutement des contractuels", "la liste de présence",
    "le compte rendu", "l'arrêté de nomination", "la décision de recrutement",
    "le programme de la visite", "l'échéancier des paiements", "le tableau de bord",
    "la situation de trésorerie", "le projet de circulaire", "les pièces justificatives",
]  # fmt: skip
WHEN = [
    "avant vendredi", "demain matin", "d'ici la fin du mois", "lundi prochain",
    "cet après-midi", "à 10 h", "dès que possible", "la semaine prochaine",
    "au plus tard le 15 décembre", "avant la clôture de l'exercice", "aujourd'hui même",
    "après la pause", "avant la réunion de jeudi", "pour hier",
]  # fmt: skip
PLACES = [
    "à Yaoundé", "à Douala", "au ministère des Finances", "à la délégation régionale de l'Est",
    "à Ngaoundéré", "à Garoua", "au bureau 214", "en salle de conférence", "à Bafoussam",
    "à Ébolowa", "à Bertoua", "au service du personnel", "à la direction des affaires générales",
    "au centre des impôts", "à la préfecture",
]  # fmt: skip
TAILS = [
    "Merci d'avance.", "C'est urgent.", "Je reste disponible.", "Bien reçu, merci.",
    "Le chef de service est informé.", "Voir la pièce jointe.", "On en parle à la réunion ?",
    "Je suis en congé à partir de mercredi.", "Le réseau est encore coupé ici.",
    "Ok, c'est noté.", "Félicitations pour la promotion !", "Désolé pour le retard.",
]  # fmt: skip
SHORT = ["Ok", "Merci", "D'accord", "Bien reçu", "Je regarde", "C'est fait", "Parfait", "Oui"]

# Real words people look for: common and rare, accented and typed without accents.
QUERIES = [
    "réunion", "reunion", "rapport", "budget", "Hélène", "helene", "congés", "conges",
    "procès-verbal", "mutation", "échéancier", "echeancier", "Yaoundé", "yaounde", "facture",
    "rapport trimestriel", "note de service", "séminaire", "indemnité logement", "Ngaoundéré",
    "pension", "carburant", "imprimante", "trésorerie",
]  # fmt: skip


def sentence(rng: random.Random) -> str:
    """One chat message (5 to ~40 words)."""
    if rng.random() < 0.12:
        return rng.choice(SHORT)
    text = f"{rng.choice(GREETINGS)} {rng.choice(NAMES)}, {rng.choice(ASKS)} {rng.choice(SUBJECTS)}"
    if rng.random() < 0.6:
        text += f" {rng.choice(WHEN)}"
    if rng.random() < 0.4:
        text += f" {rng.choice(PLACES)}"
    text += "."
    if rng.random() < 0.35:
        text += f" {rng.choice(TAILS)}"
    if rng.random() < 0.15:
        text += f" {rng.choice(ASKS).capitalize()} {rng.choice(SUBJECTS)}."
    return text
