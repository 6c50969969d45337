"""Pure rule functions: calendar arithmetic, lunar calendar, holidays, retirement, vote thresholds
and the effective-dated rule registry. No Django imports anywhere in this package."""
