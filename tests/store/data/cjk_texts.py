"""Short passages of public-domain Chinese and Japanese literature, for counting and search tests.

* Lu Xun 魯迅, 狂人日記 (A Madman's Diary), 1918, opening of entries 1-2; the author died in
  1936, public domain; text as on Chinese Wikisource (zh.wikisource.org/wiki/狂人日記).
* 論語·學而 (The Analects, book 1), c. 5th century BC, public domain (Wikisource).
* 夏目漱石 Natsume Sōseki, 吾輩は猫である (I Am a Cat), 1905, opening; public domain, text
  as on Aozora Bunko (aozora.gr.jp, card 789).
* 芥川龍之介 Akutagawa Ryūnosuke, 羅生門 (Rashōmon), 1915, opening; public domain, Aozora
  Bunko (card 127).
"""

from __future__ import annotations

KUANGREN_RIJI = (
    "今天晚上，很好的月光。\n\n"
    "我不见他，已是三十多年；今天见了，精神分外爽快。才知道以前的三十多年，全是发昏；然而须十分小心。"
    "不然，那赵家的狗，何以看我两眼呢？\n\n"
    "我怕得有理。\n\n"
    "今天全没月光，我知道不妙。早上小心出门，赵贵翁的眼色便怪：似乎怕我，似乎想害我。"
)
LUNYU_XUE_ER = (
    "子曰：「學而時習之，不亦說乎？有朋自遠方來，不亦樂乎？人不知而不慍，不亦君子乎？」\n\n"
    "有子曰：「其為人也孝弟，而好犯上者，鮮矣；不好犯上，而好作亂者，未之有也。"
    "君子務本，本立而道生。孝弟也者，其為仁之本與！」"
)
WAGAHAI = (
    "吾輩は猫である。名前はまだ無い。\n\n"
    "どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。"
    "吾輩はここで始めて人間というものを見た。"
)
RASHOMON = "ある日の暮方の事である。一人の下人が、羅生門の下で雨やみを待っていた。"
