using MimeKit;

namespace BackupMonitor.Notifications;

/// <summary>EMAIL_PICKUP_DIRECTORY: each message becomes an `.eml` file there instead of going through SMTP.</summary>
public sealed class PickupDirectoryTransport(string directory, TimeProvider time) : IMailTransport, IMailSession
{
    public string Describe() => $"pickup folder {directory}";

    public Task<IMailSession> OpenAsync(CancellationToken cancellationToken) => Task.FromResult<IMailSession>(this);

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var name = $"{time.GetUtcNow().UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}"[..33];
            var temporary = Path.Combine(directory, name + ".eml.tmp");
            await message.WriteToAsync(temporary, cancellationToken);
            // Written under another name first, so a reader never sees half a message.
            File.Move(temporary, Path.Combine(directory, name + ".eml"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NotificationException(NotificationFailure.Other, $"cannot write to the pickup folder {directory}: {e.Message}", e, connectionLevel: true);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
