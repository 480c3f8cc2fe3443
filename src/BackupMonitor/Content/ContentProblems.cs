namespace BackupMonitor.Content;

/// <summary>The content is broken: <see cref="Exception.Message"/> says what and where, in plain words.</summary>
internal sealed class ContentBrokenException(string detail) : Exception(detail);

/// <summary>The check stopped without a verdict (decoding limit, a variant it does not know): the entry is decided as before.</summary>
internal sealed class ContentNotCheckedException(string detail) : Exception(detail);
