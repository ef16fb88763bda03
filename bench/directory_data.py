"""Seeded agents of a ministry-sized directory for the directory bench: accented names, a few
dozen ministères, their directions and services (the sizes vary like real ones)."""

from __future__ import annotations

import random

NOMS = [
    "Ngono", "Mbarga", "Etoundi", "Nkodo", "Fouda", "Abena", "Tchoupo", "Ndjock", "Bélinga",
    "Ékani", "Essomba", "Owona", "Atangana", "Manga", "Onana", "Mvondo", "Eyébé", "Bidzogo",
    "Tchana", "Kamga", "Fotso", "Nguemo", "Djoumessi", "Tagne", "Wamba", "Simo", "Kengne",
    "Moukouri", "Ekwalla", "Ndoumbé", "Priso", "Ebongué", "Bell", "Doumbé", "Hamadou", "Bouba",
    "Aïssatou", "Oumarou", "Yaya", "Abdoulaye", "Dupont", "Lefèvre", "Mercier", "Béranger",
]  # fmt: skip
PRENOMS = [
    "Hélène", "Jérôme", "François", "Thérèse", "Cédric", "Zoé", "Noël", "Agnès", "Benoît",
    "Joël", "Amélie", "Gaëlle", "Élodie", "Rodrigue", "Aïcha", "Loïc", "Mélanie", "Frédéric",
    "Marie", "Paul", "Jean", "Luc", "Brigitte", "Christelle", "Serge", "Yannick", "Armel",
    "Sandrine", "Prosper", "Hortense", "Clément", "Bérénice", "Raïssa", "Ibrahim", "Moussa",
]  # fmt: skip
MINISTERES = [
    "Ministère des Finances", "Ministère de la Santé Publique", "Ministère de l'Éducation de Base",
    "Ministère des Enseignements Secondaires", "Ministère de l'Enseignement Supérieur",
    "Ministère de la Justice", "Ministère de l'Administration Territoriale",
    "Ministère de l'Agriculture et du Développement Rural", "Ministère des Travaux Publics",
    "Ministère de l'Économie", "Ministère de la Fonction Publique", "Ministère des Transports",
    "Ministère de l'Eau et de l'Énergie", "Ministère des Postes et Télécommunications",
    "Ministère du Commerce", "Ministère de la Culture", "Ministère des Sports",
    "Ministère de la Femme et de la Famille", "Ministère des Affaires Sociales",
    "Ministère de l'Habitat", "Ministère des Forêts", "Ministère du Tourisme",
    "Ministère de la Recherche Scientifique", "Ministère des Mines",
]  # fmt: skip
DIRECTIONS = [
    "Direction des Ressources Humaines", "Direction des Affaires Générales",
    "Direction du Budget", "Direction des Études et de la Planification",
    "Direction des Affaires Juridiques", "Direction de la Coopération",
    "Direction des Systèmes d'Information", "Direction de l'Inspection Générale",
    "Direction Régionale du Centre", "Direction Régionale du Littoral",
]  # fmt: skip
SERVICES = [
    "Service du Personnel", "Service de la Solde", "Service du Courrier", "Service des Archives",
    "Service de la Comptabilité", "Service des Marchés", "Service Informatique",
    "Service de la Formation",
]  # fmt: skip
POSTES = ["Chef de service", "Chef de bureau", "Cadre", "Agent", "Secrétaire", "Directeur"]
HEADER = "matricule,nom,prenom,sexe,ministere,direction,service,poste"


def agents(count: int, seed: int = 25, prefix: str = "B") -> list[tuple[str, ...]]:
    """`count` agents: (matricule, nom, prenom, sexe, ministere, direction, service, poste).
    Big ministères hold far more agents than small ones (weights 1/rank)."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) for rank in range(len(MINISTERES))]
    rows = []
    for n in range(count):
        ministere = rng.choices(MINISTERES, weights)[0]
        rows.append(
            (
                f"{prefix}{n:07d}",
                rng.choice(NOMS),
                rng.choice(PRENOMS),
                rng.choice("MF"),
                ministere,
                rng.choice(DIRECTIONS),
                rng.choice(SERVICES),
                rng.choice(POSTES),
            )
        )
    return rows


def csv_bytes(rows: list[tuple[str, ...]]) -> bytes:
    lines = [HEADER, *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()
