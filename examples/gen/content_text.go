package gen

// This file holds the French texts the content of the bilans is made of:
// sentences that teachers, class councils and the vie scolaire write,
// combined at random into appreciations, syntheses and comments. They
// carry accents, apostrophes (typed ' and ’) and « guillemets », as real
// ones do. None names a pupil.

// tone is the level of a pupil's work in a subject, from positioning 1
// (objectifs non atteints) to 4 (dépassés); the sentences of an
// appreciation match it.

// appreciationOpeners open an appreciation, by positioning (index 0 for
// positioning 1).
var appreciationOpeners = [4][]string{
	{
		"Trimestre très difficile : les bases ne sont pas acquises.",
		"Des résultats très insuffisants, qui inquiètent.",
		"Le travail fourni reste bien en deçà des attentes.",
		"Les difficultés sont importantes et persistent depuis le début de l'année.",
		"Trop peu d'investissement pour progresser : les lacunes s'accumulent.",
		"Un trimestre décevant, marqué par un manque de travail évident.",
		"Les notions essentielles ne sont pas maîtrisées.",
	},
	{
		"Des résultats fragiles, malgré quelques efforts.",
		"Un trimestre en demi-teinte : les acquis restent incomplets.",
		"Le travail est irrégulier et les résultats s'en ressentent.",
		"Des difficultés persistent, mais la bonne volonté est réelle.",
		"L'ensemble est encore juste ; il faut s'investir davantage.",
		"Des progrès timides, à confirmer au prochain trimestre.",
		"Les bases sont en cours d'acquisition.",
	},
	{
		"Un bon trimestre, sérieux et régulier.",
		"Des résultats satisfaisants, fruit d'un travail constant.",
		"L'ensemble est solide ; les connaissances sont bien acquises.",
		"Un trimestre positif : le travail est sérieux et la participation régulière.",
		"Des acquis satisfaisants et une attitude positive en classe.",
		"Bon travail dans l'ensemble, avec des progrès nets.",
		"Les compétences attendues sont maîtrisées.",
	},
	{
		"Excellent trimestre : félicitations !",
		"Des résultats remarquables, obtenus par un travail approfondi.",
		"Un travail d'une grande qualité, rigoureux et réfléchi.",
		"Très bon trimestre, les attendus sont largement dépassés.",
		"Un investissement exemplaire et des résultats brillants.",
		"Une maîtrise très sûre des notions étudiées.",
		"Travail excellent, curiosité et autonomie remarquables.",
	},
}

// appreciationRemarks are said of the work in every subject: those that
// point at a weakness (index 0), and those that praise (index 1).
var appreciationRemarks = [2][]string{
	{
		"La participation orale est trop rare : il faut oser prendre la parole.",
		"Le travail personnel manque de régularité.",
		"Les leçons ne sont pas assez apprises.",
		"L'attention en classe est parfois insuffisante, ce qui pénalise la compréhension.",
		"Les évaluations sont inégales : certaines notions restent floues.",
		"Le matériel est trop souvent oublié.",
		"Les consignes sont lues trop vite, d'où des erreurs évitables.",
		"Des bavardages nuisent à la concentration.",
		"Il faut apprendre à justifier ses réponses.",
		"Les méthodes de travail ne sont pas encore assez solides.",
		"Les devoirs ne sont pas toujours faits.",
		"Le cahier est incomplet et mal tenu.",
		"Le travail en classe reste trop passif.",
		"Les erreurs des évaluations doivent être reprises et comprises.",
	},
	{
		"La participation est active et pertinente.",
		"Les devoirs à la maison sont faits avec soin.",
		"Les évaluations montrent une bonne compréhension des notions.",
		"Le cahier est bien tenu et complet.",
		"L'élève sait demander de l'aide quand c'est nécessaire, c'est une force.",
		"Le travail en groupe est efficace et apprécié des camarades.",
		"La rigueur dans la présentation s'est nettement améliorée.",
		"Le comportement en classe est agréable et respectueux.",
		"Les exercices d'entraînement sont faits sérieusement.",
		"Une progression nette depuis le trimestre précédent.",
		"L'autonomie grandit au fil des séances.",
		"Les travaux rendus sont soignés et réfléchis.",
		"Le « contrôle continu » montre des efforts réguliers.",
		"La prise de notes est efficace.",
		"L’implication dans les projets de la classe est réelle.",
	},
}

// subjectRemarks are said of the work in one subject, by subject code,
// weaknesses (index 0) and praise (index 1); the subjects of the
// catalogue without an entry get the remarks of every subject only.
var subjectRemarks = map[string][2][]string{
	"020700": { // français
		{
			"L'orthographe reste à travailler : il faut se relire.",
			"La rédaction manque encore de structure : il faut construire ses paragraphes.",
			"Les accords sont encore hésitants.",
			"L'étude de la langue (grammaire, conjugaison) doit être revue régulièrement.",
			"Les lectures demandées ne sont pas toujours faites.",
		},
		{
			"L'expression écrite gagne en clarté.",
			"Les lectures sont faites et bien comprises.",
			"Belle sensibilité dans l'analyse des textes.",
			"Le vocabulaire s'enrichit.",
			"La lecture à voix haute est expressive.",
			"Le carnet de lecture est tenu avec soin.",
		},
	},
	"061300": { // mathématiques
		{
			"La rédaction des démonstrations doit être plus rigoureuse.",
			"Les propriétés du cours ne sont pas assez connues.",
			"Les erreurs de calcul font perdre des points précieux.",
			"La géométrie pose encore des difficultés : il faut soigner les figures.",
			"Les tâches complexes découragent trop vite.",
		},
		{
			"Le calcul mental est rapide et sûr.",
			"Bonne aisance dans la résolution de problèmes.",
			"Le raisonnement est logique et bien justifié.",
			"Les tâches complexes sont abordées avec méthode.",
			"Les figures de géométrie sont précises et soignées.",
		},
	},
	"040700": { // histoire & géographie
		{
			"L'analyse de documents doit citer ses sources.",
			"Le développement construit doit être plus organisé.",
			"Le vocabulaire spécifique doit être appris.",
			"Les repères chronologiques ne sont pas connus.",
		},
		{
			"Les repères chronologiques sont bien maîtrisés.",
			"L'analyse de documents progresse.",
			"Le croquis de géographie est réussi.",
			"Bonne curiosité pour les questions d'histoire.",
		},
	},
	"030201": { // anglais
		{
			"Le vocabulaire doit être appris plus régulièrement.",
			"L'expression écrite en anglais reste hésitante.",
			"La prise de parole en anglais manque d'assurance.",
		},
		{
			"L'oral en anglais est fluide et l'accent soigné.",
			"La compréhension de l'oral est bonne.",
			"Participation dynamique aux activités orales.",
			"Les temps du passé sont bien utilisés.",
		},
	},
	"030102": { // allemand
		{
			"Les déclinaisons restent à revoir.",
			"Le vocabulaire de base n'est pas encore acquis.",
		},
		{
			"Bonne prononciation et participation régulière en allemand.",
			"Le vocabulaire de base est acquis.",
			"La compréhension écrite progresse.",
		},
	},
	"030602": { // espagnol
		{
			"La conjugaison doit être apprise avec plus de rigueur.",
			"L'expression écrite reste fragile.",
		},
		{
			"Bonne participation en espagnol, avec une prononciation soignée.",
			"La compréhension orale est satisfaisante.",
			"L'expression écrite s'améliore.",
		},
	},
	"062900": { // SVT
		{
			"Les comptes rendus de travaux pratiques manquent de précision.",
			"Les connaissances du cours doivent être mieux apprises.",
		},
		{
			"La démarche scientifique est bien comprise.",
			"Les schémas sont soignés et légendés.",
			"Bonne curiosité pour le vivant.",
		},
	},
	"061800": { // physique-chimie
		{
			"Les conversions d'unités posent encore problème.",
			"Les formules sont connues mais mal appliquées.",
		},
		{
			"Les manipulations sont faites avec soin et sécurité.",
			"La démarche expérimentale est bien menée.",
			"Bonne compréhension des phénomènes étudiés.",
		},
	},
	"070200": { // technologie
		{
			"Le dossier technique est incomplet.",
			"Le travail en îlot manque d'efficacité.",
		},
		{
			"Le projet a été mené avec sérieux et créativité.",
			"La programmation est bien comprise.",
			"Bonne maîtrise des outils numériques.",
		},
	},
	"100100": { // EPS
		{
			"L'engagement est trop irrégulier selon les activités.",
			"La tenue de sport est trop souvent oubliée.",
		},
		{
			"Très bon engagement dans toutes les activités.",
			"L'attitude en EPS est exemplaire : fair-play et respect des règles.",
			"Bonne endurance en course longue.",
			"Le rôle d'arbitre est tenu avec sérieux.",
		},
	},
	"080100": { // arts plastiques
		{
			"Le travail manque d'investissement et de soin.",
			"Les productions ne sont pas terminées.",
		},
		{
			"Les productions sont personnelles et abouties.",
			"Belle créativité dans les réalisations.",
			"La verbalisation de la démarche est pertinente.",
		},
	},
	"090100": { // éducation musicale
		{
			"La pratique vocale manque d'assurance.",
			"Le vocabulaire musical n'est pas acquis.",
		},
		{
			"Bonne implication dans le chant choral.",
			"L'écoute est attentive et les analyses pertinentes.",
			"Connaissances solides du vocabulaire musical.",
		},
	},
	"040800": { // EMC
		{
			"La participation aux débats doit être plus active.",
		},
		{
			"Les débats sont menés avec respect et argumentation.",
			"Bonne compréhension des valeurs de la République.",
		},
	},
	"002300": { // sciences et technologie
		{
			"Les notions de sciences doivent être revues.",
		},
		{
			"La démarche d'investigation est bien menée.",
			"Les expériences sont décrites avec précision.",
		},
	},
	"020300": { // latin
		{
			"Le vocabulaire latin reste à apprendre.",
			"Les déclinaisons ne sont pas sues.",
		},
		{
			"Bonne curiosité pour la civilisation romaine.",
			"Les déclinaisons latines sont bien apprises.",
			"Un vif intérêt pour l'étymologie.",
		},
	},
	"010100": { // documentation
		{
			"La recherche documentaire manque de méthode.",
		},
		{
			"Les recherches au CDI sont menées avec méthode.",
			"Bonne maîtrise de la recherche documentaire.",
		},
	},
}

// appreciationAdvice close an appreciation: for a pupil in difficulty
// (index 0), and for one who succeeds (index 1).
var appreciationAdvice = [2][]string{
	{
		"Un travail plus régulier permettrait de meilleurs résultats.",
		"Il faut reprendre les leçons chaque soir.",
		"Il faut gagner en confiance à l'oral.",
		"Des efforts de concentration sont attendus.",
		"Il faut s'appuyer sur ses réussites pour progresser.",
		"À encourager.",
		"Il ne faut pas hésiter à poser des questions.",
		"Il faut retravailler les exercices non réussis.",
		"Il faut se mettre au travail sans attendre.",
	},
	{
		"Il faut poursuivre dans cette voie.",
		"Il faut maintenant approfondir le travail personnel.",
		"Continuez ainsi !",
		"Bon courage pour la suite.",
		"Le prochain trimestre doit confirmer ces progrès.",
		"Attention à ne pas se relâcher.",
		"Félicitations pour ce parcours.",
	},
}

// synthesisOpeners open the class council's synthesis, by the pupil's
// overall level (index 0 for the weakest).
var synthesisOpeners = [4][]string{
	{
		"Le conseil de classe s'inquiète des résultats de ce trimestre.",
		"Un trimestre très insuffisant dans la plupart des disciplines.",
		"Les résultats sont alarmants et le travail personnel quasi inexistant.",
		"Le conseil attend un sursaut rapide : les difficultés s'installent.",
	},
	{
		"Un trimestre fragile : les résultats sont irréguliers selon les disciplines.",
		"Le conseil note des efforts, mais les résultats restent justes.",
		"Un bilan mitigé : des réussites, mais aussi des lacunes à combler.",
		"Le travail doit être plus régulier pour consolider les acquis.",
	},
	{
		"Bon trimestre dans l'ensemble : le travail est sérieux.",
		"Le conseil de classe salue un trimestre satisfaisant.",
		"Des résultats solides et une attitude positive.",
		"Un bilan satisfaisant, avec des progrès dans plusieurs disciplines.",
	},
	{
		"Excellent trimestre : le conseil adresse ses félicitations.",
		"Des résultats remarquables dans toutes les disciplines : félicitations du conseil.",
		"Un trimestre brillant, fruit d'un travail approfondi et régulier.",
		"Le conseil de classe salue un investissement exemplaire.",
	},
}

// synthesisRemarks are the body of a synthesis: what is to improve
// (index 0), and what is to praise (index 1).
var synthesisRemarks = [2][]string{
	{
		"Les bavardages ont été signalés par plusieurs professeurs.",
		"Le travail à la maison doit être plus approfondi.",
		"L'organisation du travail reste à améliorer : il faut utiliser son agenda.",
		"Les absences ont pénalisé la continuité des apprentissages.",
		"Des difficultés en mathématiques, à travailler avec l'aide proposée en « devoirs faits ».",
		"L'équipe encourage à lire davantage pour enrichir l'expression.",
		"Le manque de travail personnel explique des résultats en baisse.",
		"Les leçons doivent être mieux apprises.",
		"L’équipe pédagogique compte sur une mobilisation de tous les instants.",
		"L'expression écrite doit progresser dans toutes les disciplines.",
		"La concentration en classe reste trop fragile.",
	},
	{
		"Les matières scientifiques sont un point fort.",
		"Les langues vivantes sont en net progrès.",
		"Le comportement en classe est irréprochable.",
		"L'élève a su tenir compte des conseils donnés au trimestre précédent.",
		"La participation orale est appréciée par l'équipe pédagogique.",
		"L'investissement dans la vie de la classe (délégué, tutorat) est à saluer.",
		"Les résultats en français sont en progrès constant.",
		"La curiosité intellectuelle est un atout.",
		"Le projet d'orientation se précise : il faut s'informer au CDI et auprès de la psychologue de l'Éducation nationale.",
		"Une bonne intégration dans la classe et dans l'établissement.",
		"Le conseil a noté une concentration plus soutenue en classe.",
		"Les méthodes de travail se sont affinées au cours du trimestre.",
	},
}

// synthesisClosers end a synthesis, by level.
var synthesisClosers = [4][]string{
	{
		"Avertissement travail.",
		"Un entretien avec la famille sera proposé.",
		"Il faut se mettre au travail sans attendre.",
		"Le conseil propose un accompagnement personnalisé.",
	},
	{
		"Il faut persévérer.",
		"Des efforts sont attendus au prochain trimestre.",
		"Encouragements à poursuivre les efforts.",
		"Le conseil fait confiance pour la suite.",
	},
	{
		"Compliments du conseil de classe.",
		"Il faut poursuivre ainsi.",
		"Bonne continuation.",
		"Le conseil encourage à viser encore plus haut.",
	},
	{
		"Félicitations du conseil de classe.",
		"Bravo, et bonne continuation !",
		"Continuez ainsi : c'est un très beau parcours.",
		"Félicitations, le conseil est admiratif.",
	},
}

// schoolLifeComments are the vie scolaire's comments, by attendance:
// index 0 for a pupil always there and on time.
var schoolLifeComments = [3][]string{
	{
		"Assiduité et ponctualité irréprochables.",
		"Ponctualité et assiduité, attitude respectueuse envers les adultes.",
		"Aucune remarque de la vie scolaire : comportement exemplaire.",
		"Très bonne tenue dans l'établissement.",
		"Implication dans la vie du collège (foyer, association sportive).",
	},
	{
		"Quelques retards ce trimestre : attention à la ponctualité.",
		"Des absences à justifier plus rapidement auprès de la vie scolaire.",
		"L'assiduité est correcte mais les retards doivent cesser.",
		"Comportement correct, quelques oublis du carnet de correspondance.",
		"Des passages à l'infirmerie fréquents, dont la famille a été informée.",
	},
	{
		"Absentéisme préoccupant : la famille a été contactée.",
		"Les absences non justifiées sont trop nombreuses ; un signalement a été fait.",
		"Retards répétés et comportement à reprendre dans les couloirs.",
		"Plusieurs exclusions de cours ce trimestre : un travail sur l'attitude est nécessaire.",
		"L’assiduité doit impérativement s’améliorer.",
	},
}

// homeworkComments are the appreciations of « devoirs faits ».
var homeworkComments = []string{
	"Présence régulière en « devoirs faits », travail sérieux.",
	"Participation assidue à « devoirs faits » : les devoirs sont faits avec application.",
	"Inscription en « devoirs faits », mais présence irrégulière.",
	"L'aide aux devoirs porte ses fruits, notamment en mathématiques.",
	"Bonne utilisation du temps de « devoirs faits » pour revoir les leçons.",
	"Il faut venir avec son agenda et ses cahiers pour que le dispositif soit utile.",
	"Un travail autonome et efficace pendant les séances.",
}

// pprePlans are the complements of a PPRE.
var pprePlans = []string{
	"PPRE de français : lecture fluide et compréhension de consignes, deux séances par semaine avec le professeur de français.",
	"PPRE de mathématiques : automatiser le calcul et la numération, une séance hebdomadaire en petit groupe.",
	"PPRE passerelle CM2-6e : méthodologie et organisation du travail, bilan à chaque fin de trimestre.",
	"PPRE transversal : organisation, tenue de l'agenda et apprentissage des leçons, suivi par le professeur principal.",
	"PPRE de maîtrise de la langue : orthographe grammaticale et production d'écrits courts.",
}

// contracts are the complements of a contrat de réussite.
var contracts = []string{
	"Contrat de réussite signé avec la famille : ponctualité, travail personnel quotidien et point hebdomadaire avec le CPE.",
	"Contrat de réussite : engagement sur l'assiduité et le comportement, bilan mensuel avec le professeur principal.",
	"Contrat de réussite portant sur l'organisation du travail et le respect des échéances.",
}

// pathwayTexts are what a pupil did in each parcours, by parcours code.
var pathwayTexts = map[string][]string{
	"PAR_AVN": {
		"Découverte des métiers lors du forum de l'orientation ; entretien avec la psychologue de l'Éducation nationale.",
		"Stage d'observation en entreprise réalisé dans un cabinet d'architecte, avec un rapport de stage soigné.",
		"Visite du lycée professionnel du secteur et rencontre avec des élèves de seconde.",
		"Participation aux « rencontres métiers » organisées par le collège avec les parents d'élèves.",
		"Travail sur le projet d'orientation avec l'application Folios et le professeur principal.",
		"Mini-stage d'une journée en lycée, en filière technologique.",
	},
	"PAR_CIT": {
		"Délégué de classe : participation au conseil de vie collégienne.",
		"Participation à la journée de commémoration du 11 novembre et à la cérémonie au monument aux morts.",
		"Formation aux premiers secours (PSC1) suivie avec sérieux.",
		"Engagement dans le projet de solidarité de la classe (collecte pour les Restos du cœur).",
		"Travail sur l'égalité filles-garçons et débat en classe.",
		"Participation au concours « Non au harcèlement ».",
	},
	"PAR_ART": {
		"Sortie au musée d'Orsay et réalisation d'un carnet de visite.",
		"Participation à la chorale du collège et au concert de fin d'année.",
		"Spectacle de théâtre au théâtre de la ville, suivi d'une rencontre avec les comédiens.",
		"Atelier d'écriture avec une autrice jeunesse.",
		"Projet « Collège au cinéma » : trois films étudiés dans l'année.",
		"Réalisation d'une fresque collective dans la cour du collège.",
	},
	"PAR_SAN": {
		"Séances d'éducation à la santé avec l'infirmière scolaire : sommeil et écrans.",
		"Participation à la semaine du goût et à l'atelier « petit-déjeuner équilibré ».",
		"Sensibilisation aux conduites addictives en partenariat avec une association.",
		"Action « Bouge ton collège » et participation au cross du collège.",
		"Information sur la vie affective et relationnelle.",
	},
}

// pathwayRemarks follow a parcours text.
var pathwayRemarks = []string{
	"Un investissement sérieux et une réflexion personnelle.",
	"Participation active et enthousiaste.",
	"Le travail rendu témoigne d'un vrai intérêt.",
	"Implication à renforcer.",
	"Belle curiosité.",
}

// epiCatalogue are the EPI a class may follow: each with its LSU
// thématique, its subjects (codes of the catalogue) and its description.
var epiCatalogue = []struct {
	title, theme, description string
	subjects                  [2]string
}{
	{"Le Moyen Âge en scène", "EPI_ART", "Écriture et mise en scène d'une saynète inspirée des fabliaux, avec une recherche historique sur la vie au Moyen Âge.", [2]string{"020700", "040700"}},
	{"Eau et développement durable", "EPI_EDD", "Étude du cycle de l'eau et de sa gestion dans la commune ; réalisation d'une maquette de station d'épuration.", [2]string{"062900", "070200"}},
	{"Les médias et l'information", "EPI_ICC", "Réalisation d'un journal numérique de la classe : recherche, vérification des sources et écriture d'articles.", [2]string{"020700", "070200"}},
	{"Sport, santé et sciences", "EPI_SAN", "Mesure de l'effort physique (fréquence cardiaque, respiration) et exploitation des données en classe.", [2]string{"100100", "062900"}},
	{"Énergies d'aujourd'hui et de demain", "EPI_STS", "Étude des sources d'énergie et construction d'un prototype de voiture solaire.", [2]string{"061800", "070200"}},
	{"Voyage en pays anglophone", "EPI_LGE", "Préparation d'un voyage virtuel à Londres : itinéraire, budget et présentation orale en anglais.", [2]string{"030201", "040700"}},
	{"Statistiques et citoyenneté", "EPI_ICC", "Enquête auprès des élèves du collège et traitement statistique des réponses, présentées au conseil de vie collégienne.", [2]string{"061300", "040700"}},
	{"Découverte des métiers", "EPI_PRO", "Rencontres avec des professionnels et réalisation d'une fiche métier illustrée.", [2]string{"020700", "070200"}},
}

// apCatalogue are the accompagnements personnalisés a class may follow.
var apCatalogue = []struct {
	title, description string
	subjects           []string
}{
	{"Méthodologie et organisation du travail", "Apprendre ses leçons, tenir son agenda, préparer une évaluation : des séances en demi-groupe avec le professeur principal.", []string{"020700", "061300"}},
	{"Maîtrise de la langue", "Consolidation de l'orthographe et de la syntaxe à partir des écrits produits en classe.", []string{"020700"}},
	{"Résolution de problèmes", "Entraînement à la lecture d'énoncés et à la démarche de résolution, en petits groupes de besoin.", []string{"061300"}},
	{"Oral et prise de parole", "Exposés, débats et lecture à voix haute pour gagner en aisance à l'oral.", []string{"020700", "030201"}},
	{"Recherche documentaire", "Chercher, trier et citer l'information, au CDI avec le professeur documentaliste.", []string{"040700", "010100"}},
}

// groupComments are said of an EPI or AP group, or of one pupil in it.
var groupComments = []string{
	"Groupe investi, production finale de qualité.",
	"Bonne dynamique de groupe et entraide entre les élèves.",
	"Le travail a été mené à son terme avec sérieux.",
	"Participation active et apport personnel au projet.",
	"Implication inégale selon les séances.",
	"A su prendre des responsabilités dans le groupe.",
	"Présentation orale claire et bien préparée.",
	"Doit davantage s'impliquer dans le travail collectif.",
}

// digitalComments are appreciations of the compétences numériques.
var digitalComments = []string{
	"Bonne maîtrise des outils de traitement de texte et de présentation.",
	"Les usages du numérique sont responsables ; la sécurisation des données est comprise.",
	"La recherche d'information en ligne doit gagner en esprit critique.",
	"Très à l'aise avec le travail collaboratif en ligne sur l'ENT.",
	"Les compétences de programmation acquises en technologie sont solides.",
	"Il faut apprendre à organiser ses fichiers et à nommer ses documents.",
	"Attestation Pix préparée avec sérieux.",
}

// digitalClassComments are the class's common appreciations of the
// compétences numériques.
var digitalClassComments = []string{
	"La classe a travaillé les compétences numériques en technologie, en documentation et sur la plateforme Pix tout au long de l'année.",
	"Les compétences numériques ont été évaluées lors de projets en français, en mathématiques et en technologie, et par la certification Pix.",
}

// programmeElements are the éléments de programme teachers pick, by
// subject code; a subject without an entry has none.
var programmeElements = map[string][]string{
	"020700": {
		"Lire des œuvres littéraires et fréquenter des œuvres d'art : le récit d'aventures",
		"Écrire des textes variés : le portrait et la description",
		"Comprendre le fonctionnement de la langue : les classes grammaticales et les fonctions",
		"Se chercher, se construire : le récit d'enfance et d'adolescence",
		"Agir sur le monde : informer, s'informer, déformer ?",
		"S'exprimer à l'oral : la lecture expressive et le débat",
		"Dire l'amour : la poésie lyrique",
	},
	"061300": {
		"Nombres et calculs : fractions et nombres relatifs",
		"Organisation et gestion de données, fonctions : proportionnalité",
		"Grandeurs et mesures : aires et volumes",
		"Espace et géométrie : triangles, théorème de Pythagore",
		"Algorithmique et programmation : boucles et conditions avec Scratch",
		"Calcul littéral : développer, factoriser, résoudre une équation",
		"Probabilités et statistiques",
	},
	"040700": {
		"Histoire : l'Europe, un théâtre majeur des guerres totales (1914-1945)",
		"Histoire : la Méditerranée antique, les empreintes grecques et romaines",
		"Géographie : habiter une métropole",
		"Géographie : la France et l'Union européenne",
		"Histoire : l'Europe et le monde au XIXe siècle",
		"Géographie : des espaces transformés par la mondialisation",
	},
	"030201": {
		"Écouter et comprendre : messages oraux de la vie quotidienne",
		"Parler en continu : se présenter, raconter une expérience",
		"Lire et comprendre : textes courts et documents authentiques",
		"Réagir et dialoguer : échanges en situation",
		"Découvrir les aspects culturels du monde anglophone",
	},
	"030102": {
		"Se présenter et parler de sa famille en allemand",
		"Comprendre un document audio simple",
		"Écrire un message court",
		"Découvrir les pays de langue allemande",
	},
	"030602": {
		"Se présenter et présenter son environnement en espagnol",
		"Comprendre un court document vidéo",
		"Raconter au passé",
		"Découvrir les fêtes du monde hispanique",
	},
	"062900": {
		"La planète Terre, l'environnement et l'action humaine",
		"Le vivant et son évolution : la cellule, unité du vivant",
		"Le corps humain et la santé : la nutrition",
		"Pratiquer des démarches scientifiques",
		"Concevoir, créer, réaliser : le compte rendu d'expérience",
	},
	"061800": {
		"Organisation et transformations de la matière : les mélanges",
		"Mouvement et interactions : vitesse et forces",
		"L'énergie et ses conversions : le circuit électrique",
		"Des signaux pour observer et communiquer : lumière et son",
	},
	"070200": {
		"Design, innovation et créativité : imaginer une solution",
		"Les objets techniques, les services et les changements induits dans la société",
		"La modélisation et la simulation des objets et systèmes techniques",
		"L'informatique et la programmation : piloter un système",
	},
	"100100": {
		"Produire une performance optimale : course de durée",
		"Adapter ses déplacements à des environnements variés : natation",
		"S'exprimer devant les autres par une prestation artistique : danse",
		"Conduire et maîtriser un affrontement collectif : handball",
		"Conduire et maîtriser un affrontement individuel : badminton",
	},
	"080100": {
		"La représentation : images, réalité et fiction",
		"La matérialité de l'œuvre : l'objet et l'œuvre",
		"L'œuvre, l'espace, l'auteur, le spectateur",
	},
	"090100": {
		"Réaliser des projets musicaux d'interprétation : le chant choral",
		"Écouter, comparer et commenter des œuvres",
		"Explorer, imaginer et créer : la voix et le rythme",
	},
	"040800": {
		"Respecter autrui : la dignité et l'intégrité de la personne",
		"Acquérir et partager les valeurs de la République",
		"Construire une culture civique : l'engagement",
	},
	"002300": {
		"Matière, mouvement, énergie, information",
		"Le vivant, sa diversité et les fonctions qui le caractérisent",
		"Matériaux et objets techniques",
	},
	"020300": {
		"Découvrir la langue latine : déclinaisons et conjugaisons",
		"La civilisation romaine : la vie quotidienne à Rome",
		"Mythes et héros de l'Antiquité",
	},
}

// streets and cities are the guardians' addresses.
var streets = []string{
	"rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Saint-Michel", "rue des Écoles",
	"place de l'Église", "rue du Moulin", "allée des Tilleuls", "rue Pasteur", "impasse des Lilas",
	"rue de l'Abbé Grégoire", "quai de la Loire", "chemin des Vignes", "rue d'Alésia", "avenue du Général Leclerc",
}

var cities = []struct{ postal, name string }{
	{"75005", "PARIS"}, {"75013", "PARIS"}, {"75014", "PARIS"}, {"94200", "IVRY-SUR-SEINE"},
	{"92120", "MONTROUGE"}, {"94270", "LE KREMLIN-BICÊTRE"}, {"92240", "MALAKOFF"},
}

var buildings = []string{"Bâtiment B", "Résidence Les Érables", "Escalier 3", "Appartement 12", "Chez Mme Dubois"}
