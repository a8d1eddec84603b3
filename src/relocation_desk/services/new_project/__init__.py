"""Creating a new, empty project database (the first-run wizard's 新建空项目).

- ``plan``: what the new project holds (name, county, teams, villages and groups, the scheme
  file, the first administrator) and the checks on it;
- ``layout_xlsx``: teams, villages and groups read from an xlsx file;
- ``create``: the use case that writes it all into a new SQLite file, or leaves nothing.

Uses storage, domain and the auth and schemes services (the first administrator, the scheme
imported and published); no other service uses it.
"""
