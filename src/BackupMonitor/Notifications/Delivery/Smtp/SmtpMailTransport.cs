using System.Net.Sockets;
using BackupMonitor.Configuration;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace BackupMonitor.Notifications;

/// <summary>
/// Sends over SMTP with MailKit: STARTTLS by default (never "Auto", which may fall back to plain text),
/// certificates always validated, authentication only when EMAIL_USERNAME is set, an explicit timeout,
/// and the connection always closed, also after a failure. A session sends many messages over one connection.
/// </summary>
public sealed class SmtpMailTransport(EmailOptions options) : IMailTransport
{
    private enum Step { Connect, Authenticate, Send }

    public string Describe() => $"{options.Host}:{options.Port} ({SecurityName})";

    private string SecurityName => options.Security switch
    {
        EmailSecurity.Ssl => "implicit TLS",
        EmailSecurity.None => "plain text, loopback only",
        _ => "STARTTLS",
    };

    public async Task<IMailSession> OpenAsync(CancellationToken cancellationToken)
    {
        var trust = new ServerCertificateTrust(options.CaCertPath);
        var client = new SmtpClient
        {
            Timeout = options.TimeoutSeconds * 1000,
            ServerCertificateValidationCallback = trust.Validate,
        };
        var step = Step.Connect;
        try
        {
            await client.ConnectAsync(options.Host ?? throw new NotificationException(NotificationFailure.Connect, "connect: EMAIL_HOST is not set", connectionLevel: true), options.Port, options.Security switch
            {
                EmailSecurity.Ssl => SecureSocketOptions.SslOnConnect,
                EmailSecurity.None => SecureSocketOptions.None,
                _ => SecureSocketOptions.StartTls,
            }, cancellationToken);
            step = Step.Authenticate;
            if (options.Username is not null)
                await client.AuthenticateAsync(options.Username, options.Password ?? "", cancellationToken);
            return new Session(this, client, trust);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await CloseAsync(client);
            throw e as NotificationException ?? Explain(e, step, trust);
        }
        catch
        {
            await CloseAsync(client);
            throw;
        }
    }

    /// <summary>One connected, authenticated client: many messages, then a polite QUIT, also after a failure.</summary>
    private sealed class Session(SmtpMailTransport transport, SmtpClient client, ServerCertificateTrust trust) : IMailSession
    {
        public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            try
            {
                await client.SendAsync(message, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw transport.Explain(e, Step.Send, trust);
            }
        }

        public async ValueTask DisposeAsync() => await CloseAsync(client);
    }

    private static async Task CloseAsync(SmtpClient client)
    {
        try
        {
            if (client.IsConnected) await client.DisconnectAsync(true, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or SocketException or ProtocolException or CommandException or TimeoutException or OperationCanceledException)
        {
            // The messages were already accepted or already failed; a broken goodbye changes neither.
        }
        finally
        {
            client.Dispose();
        }
    }

    private NotificationException Explain(Exception e, Step step, ServerCertificateTrust trust)
    {
        var where = $"{options.Host}:{options.Port}";
        var (failure, text) = e switch
        {
            SocketException s when s.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData =>
                (NotificationFailure.Dns, $"DNS: the host name '{options.Host}' could not be resolved ({s.Message})"),
            SocketException s =>
                (NotificationFailure.Connect, $"connect: cannot connect to {where} ({s.Message})"),
            SslHandshakeException when trust.RefusedBecause is { } reason =>
                (NotificationFailure.Certificate, $"certificate: the certificate of {where} was refused: {reason}"),
            SslHandshakeException h =>
                (NotificationFailure.Tls, $"TLS: the TLS handshake with {where} failed ({FirstLine(h.InnerException?.Message ?? h.Message)})"),
            NotSupportedException when step == Step.Connect && options.Security == EmailSecurity.StartTls =>
                (NotificationFailure.Tls, $"TLS: {where} does not offer STARTTLS; use EMAIL_SECURITY=ssl if it expects implicit TLS"),
            AuthenticationException a =>
                (NotificationFailure.Auth, $"auth: {where} refused the login of user '{options.Username}' ({a.Message})"),
            NotSupportedException when step == Step.Authenticate =>
                (NotificationFailure.Auth, $"auth: {where} offers no authentication mechanism usable here ({e.Message})"),
            SmtpCommandException c when c.ErrorCode == SmtpErrorCode.RecipientNotAccepted =>
                (NotificationFailure.Recipient, $"recipient: {where} refused the recipient {c.Mailbox} ({(int)c.StatusCode} {c.Message})"),
            SmtpCommandException c when c.ErrorCode == SmtpErrorCode.SenderNotAccepted && (int)c.StatusCode == 530 =>
                (NotificationFailure.Auth, $"auth: {where} requires authentication; set EMAIL_USERNAME and EMAIL_PASSWORD ({c.Message})"),
            SmtpCommandException c when c.ErrorCode == SmtpErrorCode.SenderNotAccepted =>
                (NotificationFailure.Other, $"sender: {where} refused the sender {c.Mailbox} ({(int)c.StatusCode} {c.Message})"),
            SmtpCommandException c =>
                (NotificationFailure.Other, $"send: {where} refused the message ({(int)c.StatusCode} {c.Message})"),
            TimeoutException or OperationCanceledException when step == Step.Connect =>
                (NotificationFailure.Connect, $"connect: no answer from {where} within {options.TimeoutSeconds} s"),
            TimeoutException or OperationCanceledException =>
                (NotificationFailure.Other, $"timeout: {where} stopped answering for {options.TimeoutSeconds} s"),
            IOException or SmtpProtocolException when step == Step.Connect =>
                (NotificationFailure.Connect, $"connect: the connection to {where} broke ({e.Message})"),
            _ => (NotificationFailure.Other, $"{step.ToString().ToLowerInvariant()}: {where}: {e.Message}"),
        };
        // Only the server refusing this one message leaves the connection usable for the next.
        var connectionLevel = step != Step.Send || e is not SmtpCommandException || failure == NotificationFailure.Auth;
        return new NotificationException(failure, Scrub(text), e, connectionLevel);
    }

    /// <summary>Belt and braces: whatever a server or library echoes back, the password never leaves in a message.</summary>
    private string Scrub(string text) =>
        string.IsNullOrEmpty(options.Password) ? text : text.Replace(options.Password, "***", StringComparison.Ordinal);

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
