return await BackupMonitor.Cli.CliApp.RunAsync(args);
