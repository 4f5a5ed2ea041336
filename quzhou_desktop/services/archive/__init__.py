"""The village-year archive (村务档案): ``build.build_archive``."""
