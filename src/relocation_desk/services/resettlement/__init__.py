"""Property swap (产权调换) use cases: the flat inventory (安置房源), the choosing order
(选房顺序: by signing time, vacating time or a public draw), 选房 day (recording choices, one
flat never taken twice), each household's settlement (差价, 多退少补) and the figures reports
and the wall need.

May use storage, domain and the service features below it (households, calculation,
agreements, notices); the pure rules are in ``domain/resettlement.py`` and
``domain/lottery.py``.
"""
