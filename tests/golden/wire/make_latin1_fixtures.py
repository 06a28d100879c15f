#!/usr/bin/env python3
"""Writes nitf-afp-fr-latin1-odd-structure.xml: an AFP French NITF story in
ISO-8859-1 (accents, guillemets and a no-break space are single bytes), with
the structure producers get wrong: no body.head (the hedline sits straight
under body), the dateline inside body.content, the date only in
date.release, and a media element whose reference uses data-location.
Rerunning gives the same bytes."""
import pathlib

HERE = pathlib.Path(__file__).resolve().parent

DOC = """<?xml version="1.0" encoding="ISO-8859-1"?>
<nitf version="-//IPTC//DTD NITF 3.3//EN">
<head>
<title>Grève SNCF : trafic très perturbé</title>
<docdata>
<doc-id id-string="afp.example:TX-PAR-GRV12"/>
<date.release norm="20191122T112000+0100"/>
</docdata>
</head>
<body xml:lang="fr">
<hedline><hl1>Grève du 5 décembre : la SNCF prévoit un trafic «\u00a0très perturbé\u00a0»</hl1></hedline>
<body.content>
<dateline>PARIS, 22 nov 2019 (AFP)</dateline>
<p>La SNCF prévoit un trafic «\u00a0très perturbé\u00a0» le 5 décembre, premier jour d'une grève interprofessionnelle contre la réforme des retraites, a annoncé vendredi sa direction.</p>
<media media-type="image">
<media-reference data-location="https://photos.afp.example/TX-PAR-GRV12.jpg" mime-type="image/jpeg"/>
<media-caption>Un TGV en gare de Lyon, à Paris, le 21 novembre 2019</media-caption>
<media-producer>AFP/Archives - Thomas SAMSON</media-producer>
</media>
<p>Les syndicats de cheminots appellent à une grève reconductible.</p>
<p>bur-cel/ib/ms</p>
</body.content>
</body>
</nitf>
"""

(HERE / "nitf-afp-fr-latin1-odd-structure.xml").write_bytes(DOC.encode("iso-8859-1"))
