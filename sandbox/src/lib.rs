//! A local, stateful stand-in for TheOpenMoney's staging API (being built: see issue 4).
