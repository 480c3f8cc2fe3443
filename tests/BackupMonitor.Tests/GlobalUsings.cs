global using BackupMonitor.Domain;
global using BackupMonitor.Tests.Support;
