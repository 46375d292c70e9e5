@echo off
netsh advfirewall set domainprofile firewallpolicy blockinbound,allowoutbound
netsh advfirewall firewall add rule name="CRM web" dir=in action=allow protocol=TCP localport=80 remoteip=10.20.0.0/24 localip=10.0.1.10 profile=domain
netsh advfirewall firewall add rule name="CRM web HTTPS" dir=in action=allow protocol=TCP localport=443 remoteip=10.20.0.0/24 localip=10.0.1.10 profile=domain
netsh advfirewall firewall add rule name="SQL" dir=in action=allow protocol=TCP localport=1433 localip=10.0.2.10 profile=domain
netsh advfirewall firewall add rule name="SQL RPC and SMB" dir=in action=allow protocol=TCP localport=135,445 remoteip=10.0.1.10 localip=10.0.2.10 profile=domain
netsh advfirewall firewall add rule name="Block UDP 1025" dir=in action=block protocol=UDP localport=1025 remoteip=10.0.1.10 localip=10.0.2.10 profile=domain
netsh advfirewall firewall add rule name="SQL UDP" dir=in action=allow protocol=UDP localport=445,1025 remoteip=10.0.1.10 localip=10.0.2.10 profile=domain
netsh advfirewall firewall add rule name="SQL Browser" dir=in action=allow protocol=UDP localport=1434 remoteip=10.0.1.10 localip=10.0.2.10 profile=domain
netsh advfirewall firewall add rule name="RDP from clients" dir=in action=allow protocol=TCP localport=3389 remoteip=10.20.0.0/24 localip=10.0.2.10 profile=domain
netsh advfirewall firewall add rule name="DC endpoint mapper" dir=in action=allow protocol=TCP localport=135 remoteip=10.0.1.10 localip=10.0.0.10 profile=domain
netsh advfirewall firewall add rule name="DC RPC" dir=in action=allow protocol=TCP localport=RPC remoteip=10.0.1.10 localip=10.0.0.10 profile=domain
netsh advfirewall firewall add rule name="DC RPC wide" dir=in action=allow protocol=TCP localport=49152-65535 remoteip=10.20.0.0/24 localip=10.0.0.10 profile=domain
