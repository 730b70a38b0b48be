# HAProxy for the fleet tests (tests/Concord.Server.Tests/Fleet), which start it themselves with deploy/haproxy/haproxy.cfg.
apt_packages+=(haproxy); apt_probe+=(haproxy)
