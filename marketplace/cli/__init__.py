"""Flask commands, one module per group."""


def init_app(app):
    from marketplace.cli.contracts import contracts
    from marketplace.cli.demo import demo
    from marketplace.cli.ledger import ledger
    from marketplace.cli.match import match
    from marketplace.cli.payouts import payouts
    from marketplace.cli.season import season
    from marketplace.cli.translate import translate

    for group in (translate, demo, match, contracts, ledger, season, payouts):
        app.cli.add_command(group)
