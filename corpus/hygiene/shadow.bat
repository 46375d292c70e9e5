netsh advfirewall firewall add rule name="Web" dir=in action=allow protocol=TCP localport=443
netsh advfirewall firewall add rule name="Web" dir=in action=allow protocol=TCP localport=80-443
netsh advfirewall firewall add rule name="Block web" dir=in action=block protocol=TCP localport=443
netsh advfirewall firewall add rule name="SMB" dir=in action=allow protocol=TCP localport=445
netsh advfirewall firewall add rule name="Old" dir=in action=allow protocol=TCP localport=21 enable=no
