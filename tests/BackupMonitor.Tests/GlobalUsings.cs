global using BackupMonitor.Domain;
