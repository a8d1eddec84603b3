"""The first-run wizard and the project chooser (新建空项目 / 打开已有项目 / 加入项目 / 演示项目).

- ``wizard``: the QWizard and its choice page; ``new_project``: the two pages of a new empty
  project; ``other_pages``: open, join and demo pages; ``join``: the adapter to the HQ join
  service; ``feature``: 文件 → 新建/打开项目….

Uses services (new_project, demo, exchange through ``join``) and the gui package's shared
modules (dialogs, background); no other GUI feature package.
"""
