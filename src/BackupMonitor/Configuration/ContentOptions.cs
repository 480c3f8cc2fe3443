namespace BackupMonitor.Configuration;

/// <summary>SPEC §5.1: the format-aware content check and the size-drop warning.</summary>
public sealed record ContentOptions(bool CheckContent, int SizeDropPercent)
{
    public static readonly ContentOptions Default = new(true, 50);

    internal static ContentOptions Read(SettingReader settings) => new(
        settings.OneOf("CONTENT_CHECK", "full", "full", "off") == "full",
        settings.Int("SIZE_DROP_PERCENT", 50, 0, 100));
}
