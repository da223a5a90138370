"""Every fixed text the model's prompts and the chat's fixed replies use, in each language offered.

One table, `TEXTS`, keyed by a language's primary code (en, zh, ja, es, fr, de): the refusal
when the project does not mention something, the "sources" label, the lines that frame a
chat question and an expansion page (the notes heading, the style line with each style's
guidance and sample sentence), the summary prompt (its task line, labels and two worked
examples), the requests an instruction-tuned model gets, and the words that count as a
leaked prompt label. A book in another language gets the English texts
(`texts_for`). English styles are `expansion_styles.STYLES` itself, so the window, the CLI
and the schema keep reading one declaration; the other languages translate every style
(tests hold each language to the full set).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reyna_desktop.processors.expansion_styles import STYLES


@dataclass(frozen=True)
class StyleText:
    label: str  # as it reads inside the style line
    guidance: str
    example: str  # a sample sentence in this style (never about any draft's content)


@dataclass(frozen=True)
class PromptTexts:
    not_mentioned: str  # the refusal; {terms} is the question's terms joined by `term_joiner`
    term_joiner: str
    sources: str  # the label of the reply's last line, before the chapter titles and ids
    ask: str  # after the passages: {question}; the model continues with its one-line answer
    people_and_places: str  # the heading of the book's notes on an expansion page
    codex_header: str  # the heading of the codex entries a passage names
    style_line: str  # {label}, {guidance}, {example}
    continue_ask: str  # for a model with a chat template: {after}, {written}
    its_end: str  # what `after` is when the draft has no next sentence
    labels: tuple[str, ...]  # words that, followed by a colon, are a prompt label leaking into the output
    summary_task: str  # the first line of the few-shot summary prompt
    text_label: str  # "Text:" before each text to summarise ...
    summary_label: str  # ... and "Summary:" before its summary
    summary_examples: tuple[tuple[str, str], ...]  # (text, summary): a narrated scene and a dialogue
    summarise_ask: str  # for a model with a chat template: {text}
    styles: dict[str, StyleText] = field(default_factory=dict)


ENGLISH = PromptTexts(
    not_mentioned="Your project does not mention that: nothing in it matches “{terms}”.",
    term_joiner=" ",
    sources="Sources: ",
    ask="A reader asked: {question}\nThe answer, in one sentence taken from the text above:",
    people_and_places="The people and places of this book:",
    codex_header="Characters, places and things in this passage (from the author's notes):",
    style_line="The next passage is written in a {label} manner: {guidance}. For instance: {example}",
    continue_ask=("Continue this passage with one to three sentences that lead towards: {after}"
                  "\nReply with the new sentences only.\n\n{written}"),
    its_end="its end",
    labels=("Draft", "Passage", "Text", "Summary", "Note", "Notes", "Synopsis", "Question", "Answer", "User",
            "Assistant", "Style", "Sample"),
    summary_task="Each text is followed by a short summary of what happens.",
    text_label="Text:",
    summary_label="Summary:",
    summary_examples=(
        ("The storm came in from the sea at night. Anna closed the shutters and sat with her brother by the fire "
         "until morning, when the fishing boats were found broken on the rocks below the harbour.",
         "A night storm wrecks the village boats while Anna and her brother shelter at home."),
        ('"Give me the key," said Tom. "Never," Ruth answered, and threw it into the river. Tom watched it sink '
         "and walked away without a word.",
         "Ruth refuses to give Tom the key and throws it into the river."),
    ),
    summarise_ask="Summarise what happens in this text in a few sentences:\n\n{text}",
    styles={s.id: StyleText(s.label.lower(), s.guidance, s.example) for s in STYLES},
)

CHINESE = PromptTexts(
    not_mentioned="你的项目里没有提到这一点：没有任何内容与“{terms}”相符。",
    term_joiner="、",
    sources="来源：",
    ask="读者问：{question}\n根据上文，用一句话回答：",
    people_and_places="本书的人物和地点：",
    codex_header="本段涉及的人物、地点和事物（来自作者的笔记）：",
    style_line="下一段的风格：{label}（{guidance}）。例如：{example}",
    continue_ask="请用一到三句话续写这段文字，引向：{after}\n只回复新写的句子。\n\n{written}",
    its_end="全文的结尾",
    labels=("问题", "回答", "读者问", "草稿", "段落", "摘要", "笔记", "用户", "助手", "来源", "风格", "原文", "概要"),
    summary_task="每段原文后面都有一句简短的概要，说明发生了什么。",
    text_label="原文：",
    summary_label="概要：",
    summary_examples=(
        ("夜里，风暴从海上袭来。安娜关上百叶窗，和弟弟在炉火边一直坐到天亮。早上，人们发现渔船都在港口下面的礁石上撞碎了。",
         "一场夜间风暴毁了村里的渔船，安娜和弟弟在家中躲避。"),
        ("“把钥匙给我。”汤姆说。“休想。”露丝回答，把钥匙扔进了河里。汤姆看着它沉下去，一言不发地走开了。",
         "露丝不肯把钥匙交给汤姆，把它扔进了河里。"),
    ),
    summarise_ask="请用几句话概括这段文字里发生了什么：\n\n{text}",
    styles={
        "creative": StyleText("富有创意", "生动的场景、具体的细节、变化的句子",
                              "水壶在炉子上咔嗒作响，风不停地摇着那扇松动的百叶窗。"),
        "literary": StyleText("文学", "长而匀称的句子、内心的思绪和含蓄的反讽",
                              "最平静的时刻也是最漫长的时刻，这是一种安静的讽刺，她并没有忽略。"),
        "descriptive": StyleText("描写", "每个地方和每个人的样子、声音和感觉",
                                 "小巷又窄又潮，树篱被雨水压得沉甸甸的，飘着割过的青草的气味。"),
        "concise": StyleText("简洁", "简短朴素的句子，不加修饰", "水开了。没有人起身把它从炉子上拿下来。"),
        "dialogue": StyleText("对话", "人物说话；引号里的话，并说明是谁说的",
                              "“你又迟到了。”门房说。“我知道。”那人回答。"),
        "academic": StyleText("学术", "严谨、正式、准确，交代原因和后果", "这种安排的后果，首先是相当长的延误。"),
    },
)

JAPANESE = PromptTexts(
    not_mentioned="このプロジェクトにはその記述がありません。「{terms}」に当てはまるものは見つかりませんでした。",
    term_joiner="・",
    sources="出典：",
    ask="読者の質問：{question}\n上の文章から取った一文での答え：",
    people_and_places="この本の人物と場所：",
    codex_header="この箇所に出てくる人物・場所・物（作者のメモより）：",
    style_line="次の文章の文体：{label}（{guidance}）。たとえば：{example}",
    continue_ask="この文章の続きを一文から三文で書き、次の文につなげてください：{after}\n新しい文だけを答えてください。\n\n{written}",
    its_end="文章の終わり",
    labels=("質問", "答え", "回答", "下書き", "要約", "メモ", "ユーザー", "アシスタント", "出典", "文体", "本文"),
    summary_task="それぞれの本文の後に、何が起きたかの短い要約が続く。",
    text_label="本文：",
    summary_label="要約：",
    summary_examples=(
        ("夜、嵐が海からやって来た。アンナは雨戸を閉め、朝まで弟と火のそばに座っていた。朝になると、漁船はみな港の下の岩に"
         "打ち砕かれていた。",
         "夜の嵐が村の漁船を壊し、アンナと弟は家で身を守る。"),
        ("「鍵をよこせ」とトムが言った。「いやよ」とルースは答え、鍵を川に投げ込んだ。トムは鍵が沈むのを見届け、黙って立ち去った。",
         "ルースはトムに鍵を渡すのを拒み、川に投げ捨てる。"),
    ),
    summarise_ask="この文章で何が起きたかを数文で要約してください：\n\n{text}",
    styles={
        "creative": StyleText("創造的", "生き生きとした場面、具体的な細部、変化のある文",
                              "やかんがコンロの上でかたかたと鳴り、風が緩んだ雨戸をしきりに揺らしていた。"),
        "literary": StyleText("文学的", "長く均整のとれた文、内面の思い、静かな皮肉",
                              "いちばん穏やかな時間がいちばん長い時間でもあるというのは静かな皮肉で、彼女もそれに気づいていた。"),
        "descriptive": StyleText("描写的", "それぞれの場所と人物の見た目、音、手触り",
                                 "小道は狭く湿っていて、生け垣は雨に重く垂れ、刈った草の匂いがした。"),
        "concise": StyleText("簡潔", "短く平易な文、飾りなし", "湯が沸いた。誰も火を止めに立たなかった。"),
        "dialogue": StyleText("会話中心", "登場人物が話す。かぎかっこの台詞と話し手",
                              "「また遅刻だね」と門番が言った。「わかっている」と返事が来た。"),
        "academic": StyleText("学術的", "慎重で形式的かつ正確、理由と結果を述べる",
                              "この取り決めの結果は、まず第一に、かなりの遅れであった。"),
    },
)

SPANISH = PromptTexts(
    not_mentioned="Tu proyecto no menciona eso: nada en él coincide con «{terms}».",
    term_joiner=" ",
    sources="Fuentes: ",
    ask="Un lector preguntó: {question}\nLa respuesta, en una frase tomada del texto anterior:",
    people_and_places="Las personas y los lugares de este libro:",
    codex_header="Personajes, lugares y objetos de este pasaje (de las notas del autor):",
    style_line="El siguiente pasaje está escrito de manera {label}: {guidance}. Por ejemplo: {example}",
    continue_ask=("Continúa este pasaje con una a tres frases que lleven a: {after}"
                  "\nResponde solo con las frases nuevas.\n\n{written}"),
    its_end="su final",
    labels=("Borrador", "Pasaje", "Texto", "Resumen", "Nota", "Notas", "Pregunta", "Respuesta", "Usuario",
            "Asistente", "Fuentes", "Estilo"),
    summary_task="Cada texto va seguido de un breve resumen de lo que ocurre.",
    text_label="Texto:",
    summary_label="Resumen:",
    summary_examples=(
        ("La tormenta llegó del mar por la noche. Ana cerró las contraventanas y se quedó con su hermano junto al "
         "fuego hasta la mañana, cuando encontraron las barcas de pesca rotas en las rocas bajo el puerto.",
         "Una tormenta nocturna destroza las barcas del pueblo mientras Ana y su hermano se refugian en casa."),
        ("—Dame la llave —dijo Tomás. —Nunca —respondió Rut, y la tiró al río. Tomás la vio hundirse y se marchó "
         "sin decir palabra.",
         "Rut se niega a dar la llave a Tomás y la tira al río."),
    ),
    summarise_ask="Resume en pocas frases lo que ocurre en este texto:\n\n{text}",
    styles={
        "creative": StyleText("creativa", "escenas vivas, detalles concretos, frases variadas",
                              "La tetera traqueteaba sobre el fogón mientras el viento sacudía la contraventana "
                              "suelta."),
        "literary": StyleText("literaria", "frases largas y equilibradas, pensamientos íntimos e ironía callada",
                              "Era una ironía callada, y ella no dejó de notarla, que la hora más tranquila fuera "
                              "también la más larga."),
        "descriptive": StyleText("descriptiva", "el aspecto, el sonido y el tacto de cada lugar y cada persona",
                                 "El camino era estrecho y húmedo, con los setos cargados de lluvia y olor a hierba "
                                 "recién cortada."),
        "concise": StyleText("concisa", "frases cortas y sencillas, nada ornamental",
                             "El agua hirvió. Nadie se levantó a apartarla del fuego."),
        "dialogue": StyleText("dialogada", "hablan los personajes; frases entre comillas con quién las dice",
                              "—Otra vez llegas tarde —dijo el portero. —Lo sé —fue la respuesta."),
        "academic": StyleText("académica", "mesurada, formal y exacta, con causas y consecuencias",
                              "La consecuencia de este acuerdo fue, en primer lugar, un retraso considerable."),
    },
)

FRENCH = PromptTexts(
    not_mentioned="Votre projet n’en parle pas : rien n’y correspond à « {terms} ».",
    term_joiner=" ",
    sources="Sources : ",
    ask="Un lecteur a demandé : {question}\nLa réponse, en une phrase tirée du texte ci-dessus :",
    people_and_places="Les personnages et les lieux de ce livre :",
    codex_header="Personnages, lieux et objets de ce passage (d’après les notes de l’auteur) :",
    style_line="Le passage suivant est écrit de manière {label} : {guidance}. Par exemple : {example}",
    continue_ask=("Continuez ce passage avec une à trois phrases qui mènent à : {after}"
                  "\nRépondez seulement avec les nouvelles phrases.\n\n{written}"),
    its_end="sa fin",
    labels=("Brouillon", "Passage", "Texte", "Résumé", "Note", "Notes", "Question", "Réponse", "Utilisateur",
            "Assistant", "Sources", "Style"),
    summary_task="Chaque texte est suivi d’un bref résumé de ce qui s’y passe.",
    text_label="Texte :",
    summary_label="Résumé :",
    summary_examples=(
        ("La tempête arriva de la mer pendant la nuit. Anna ferma les volets et resta près du feu avec son frère "
         "jusqu’au matin, quand on trouva les barques de pêche brisées sur les rochers sous le port.",
         "Une tempête nocturne brise les barques du village pendant qu’Anna et son frère s’abritent chez eux."),
        ("« Donne-moi la clé », dit Tom. « Jamais », répondit Ruth, et elle la jeta dans la rivière. Tom la "
         "regarda couler et s’en alla sans un mot.",
         "Ruth refuse de donner la clé à Tom et la jette dans la rivière."),
    ),
    summarise_ask="Résumez en quelques phrases ce qui se passe dans ce texte :\n\n{text}",
    styles={
        "creative": StyleText("créative", "scènes vivantes, détails concrets, phrases variées",
                              "La bouilloire cliquetait sur le poêle tandis que le vent tourmentait le volet mal "
                              "fixé."),
        "literary": StyleText("littéraire", "phrases longues et équilibrées, pensées intérieures et ironie discrète",
                              "C’était une ironie discrète, qu’elle ne manqua pas de remarquer, que l’heure la plus "
                              "calme fût aussi la plus longue."),
        "descriptive": StyleText("descriptive", "l’aspect, le son et le toucher de chaque lieu et de chaque personne",
                                 "Le chemin était étroit et humide, ses haies lourdes de pluie et de l’odeur de "
                                 "l’herbe coupée."),
        "concise": StyleText("concise", "phrases courtes et simples, sans ornement",
                             "L’eau bouillit. Personne ne bougea pour retirer la bouilloire du feu."),
        "dialogue": StyleText("dialoguée", "les personnages parlent ; répliques entre guillemets, avec qui les dit",
                              "« Vous êtes encore en retard », dit le portier. « Je sais », répondit-on."),
        "academic": StyleText("académique", "mesurée, formelle et exacte, avec causes et conséquences",
                              "La conséquence de cet arrangement fut, en premier lieu, un retard considérable."),
    },
)

GERMAN = PromptTexts(
    not_mentioned="Dein Projekt erwähnt das nicht: nichts darin passt zu „{terms}“.",
    term_joiner=" ",
    sources="Quellen: ",
    ask="Ein Leser fragte: {question}\nDie Antwort, in einem Satz aus dem Text oben:",
    people_and_places="Die Personen und Orte dieses Buches:",
    codex_header="Figuren, Orte und Dinge in diesem Abschnitt (aus den Notizen des Autors):",
    style_line="Der nächste Abschnitt ist {label} geschrieben: {guidance}. Zum Beispiel: {example}",
    continue_ask=("Setze diesen Abschnitt mit ein bis drei Sätzen fort, die hinführen zu: {after}"
                  "\nAntworte nur mit den neuen Sätzen.\n\n{written}"),
    its_end="seinem Ende",
    labels=("Entwurf", "Abschnitt", "Text", "Zusammenfassung", "Notiz", "Notizen", "Frage", "Antwort", "Benutzer",
            "Assistent", "Quellen", "Stil"),
    summary_task="Auf jeden Text folgt eine kurze Zusammenfassung dessen, was geschieht.",
    text_label="Text:",
    summary_label="Zusammenfassung:",
    summary_examples=(
        ("In der Nacht zog der Sturm vom Meer herauf. Anna schloss die Fensterläden und saß mit ihrem Bruder bis "
         "zum Morgen am Feuer; dann fand man die Fischerboote zerschellt an den Felsen unter dem Hafen.",
         "Ein nächtlicher Sturm zerstört die Boote des Dorfes, während Anna und ihr Bruder zu Hause Schutz suchen."),
        ("„Gib mir den Schlüssel“, sagte Tom. „Niemals“, antwortete Ruth und warf ihn in den Fluss. Tom sah ihn "
         "sinken und ging wortlos davon.",
         "Ruth weigert sich, Tom den Schlüssel zu geben, und wirft ihn in den Fluss."),
    ),
    summarise_ask="Fasse in ein paar Sätzen zusammen, was in diesem Text geschieht:\n\n{text}",
    styles={
        "creative": StyleText("kreativ", "lebendige Szenen, konkrete Einzelheiten, abwechslungsreiche Sätze",
                              "Der Kessel klapperte auf dem Herd, während der Wind am losen Fensterladen rüttelte."),
        "literary": StyleText("literarisch", "lange, ausgewogene Sätze, innere Gedanken und leise Ironie",
                              "Es war eine leise Ironie, die ihr nicht entging, dass die ruhigste Stunde auch die "
                              "längste war."),
        "descriptive": StyleText("beschreibend", "wie jeder Ort und jede Person aussieht, klingt und sich anfühlt",
                                 "Der Weg war schmal und feucht, die Hecken schwer vom Regen und vom Geruch gemähten "
                                 "Grases."),
        "concise": StyleText("knapp", "kurze, schlichte Sätze, nichts Schmückendes",
                             "Das Wasser kochte. Niemand stand auf, um den Kessel vom Herd zu nehmen."),
        "dialogue": StyleText("in Dialogen", "die Figuren sprechen; Sätze in Anführungszeichen und wer sie sagt",
                              "„Sie kommen schon wieder zu spät“, sagte der Pförtner. „Ich weiß“, kam die Antwort."),
        "academic": StyleText("akademisch", "gemessen, förmlich und genau, mit Gründen und Folgen",
                              "Die Folge dieser Regelung war zunächst eine beträchtliche Verzögerung."),
    },
)

TEXTS: dict[str, PromptTexts] = {"en": ENGLISH, "zh": CHINESE, "ja": JAPANESE, "es": SPANISH, "fr": FRENCH,
                                 "de": GERMAN}
# Every language's style samples: an expansion must not copy any of them (expansion_checks.copied_from).
STYLE_SAMPLES: tuple[str, ...] = tuple(s.example for texts in TEXTS.values() for s in texts.styles.values())
SOURCES_LABELS: tuple[str, ...] = tuple(dict.fromkeys(texts.sources for texts in TEXTS.values()))


def texts_for(language: str) -> PromptTexts:
    """The texts for a language key (processors/language.py `prompt_language`); English for one not offered."""
    return TEXTS.get(language, ENGLISH)
