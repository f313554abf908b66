dist_man_MANS += man/redlight.1 man/redlightd.8 man/redlight.conf.5
