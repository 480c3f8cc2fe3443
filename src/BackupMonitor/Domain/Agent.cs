namespace BackupMonitor.Domain;

/// <summary>
/// A site's backup agent as an identity (SPEC §10): its staging folder name, and the SHA-256 of its one token
/// (never the token). A revoked agent keeps its jobs and history; its token opens nothing.
/// </summary>
public sealed class Agent
{
    public int Id { get; set; }
    public required string AgentId { get; set; }
    public string? Description { get; set; }
    /// <summary>SHA-256 of the token, 64 lowercase hex digits.</summary>
    public required string TokenSha256 { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    /// <summary>The last authenticated push.</summary>
    public DateTime? LastSeenAtUtc { get; set; }
    public DateTime? RevokedAtUtc { get; set; }
}

/// <summary>
/// A tus upload into an agent's staging folder (SPEC §10). The row is the truth about how many bytes were received:
/// any `serve` sharing the database and staging resumes it. <see cref="HeldBy"/> / <see cref="HeldUntilUtc"/> hold it
/// while one PATCH writes (another PATCH meanwhile is refused with 423).
/// </summary>
public sealed class AgentUpload
{
    /// <summary>32 lowercase hex digits (128 random bits): the last segment of the upload's URL.</summary>
    public required string Id { get; set; }
    public required string AgentId { get; set; }
    public required string FileName { get; set; }
    public long Length { get; set; }
    public long Offset { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime ExpiresAtUtc { get; set; }
    /// <summary>Set once the file has its final name; the row stays (HEAD answers it) until it expires.</summary>
    public DateTime? CompletedAtUtc { get; set; }
    public string? HeldBy { get; set; }
    public DateTime? HeldUntilUtc { get; set; }

    public string PartFileName => $"{FileName}.{Id}.part";
}
