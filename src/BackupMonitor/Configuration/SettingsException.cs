namespace BackupMonitor.Configuration;

/// <summary>A setting with a bad value: the message names the setting and what it expects.</summary>
public sealed class SettingsException(string message) : Exception(message);
