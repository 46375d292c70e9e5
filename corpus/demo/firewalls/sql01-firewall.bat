@echo off
REM sql01: Windows Defender Firewall rules, applied by the build script.
netsh advfirewall set domainprofile state on
netsh advfirewall set domainprofile firewallpolicy blockinbound,allowoutbound

netsh advfirewall firewall add rule name="SQL" dir=in action=allow protocol=TCP localport=1433 remoteip=10.0.1.10,10.20.0.0/16 profile=domain
netsh advfirewall firewall add rule name="SQL" dir=in action=allow protocol=UDP localport=1434 profile=domain,private,public
netsh advfirewall firewall add rule name="RDP (admins)" dir=in action=allow protocol=TCP localport=3389 remoteip=10.30.5.0/24 profile=domain
netsh advfirewall firewall add rule name="RPC endpoint mapper (admins)" dir=in action=allow protocol=TCP localport=RPC-EPMap remoteip=10.30.5.0/24,10.0.1.10 profile=domain
netsh advfirewall firewall add rule name="RPC (admins)" dir=in action=allow protocol=TCP localport=RPC remoteip=10.30.5.0/24 profile=domain
netsh advfirewall firewall add rule name="WinRM (admins)" dir=in action=allow protocol=TCP localport=5985-5986 remoteip=10.30.5.0/24 profile=domain
netsh advfirewall firewall add rule name="File sharing (CRM)" dir=in action=allow protocol=TCP localport=445 remoteip=10.0.1.10 profile=domain
netsh advfirewall firewall add rule name="Old backup agent" dir=in action=allow protocol=TCP localport=10000 profile=domain enable=no
