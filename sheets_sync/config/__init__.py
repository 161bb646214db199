"""Configuration: TOML + environment + command line -> frozen dataclasses (:mod:`.model`, the one home of
defaults), parsed once at the edge (:mod:`.load`, one table of keys, every problem reported at once)."""

from sheets_sync.config.load import load_config, parse_config
from sheets_sync.config.model import (
    DEFAULT_CONFIG_PATH,
    Config,
    DigestConfig,
    GoogleConfig,
    ListConfig,
    MatchingConfig,
    RollupConfig,
    ScheduleConfig,
    SmtpConfig,
)

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "Config",
    "DigestConfig",
    "GoogleConfig",
    "ListConfig",
    "MatchingConfig",
    "RollupConfig",
    "ScheduleConfig",
    "SmtpConfig",
    "load_config",
    "parse_config",
]
