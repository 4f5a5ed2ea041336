"""民主评议 (村民委员会组织法 第三十三条): record a village's yearly review and each person's votes and verdict
(``evaluation``), apply what two consecutive 不称职 verdicts mean for the office (C22), and read the reviews, the
people to review, the township overview of who has been reviewed and the by-elections due (``query``)."""
