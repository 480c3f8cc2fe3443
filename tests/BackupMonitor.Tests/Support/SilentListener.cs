using System.Net;
using System.Net.Sockets;

namespace BackupMonitor.Tests.Support;

/// <summary>A TCP server on loopback that accepts connections and never says a word (a hung mail server).</summary>
public sealed class SilentListener : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> clients = [];
    private int accepted;

    public SilentListener()
    {
        listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;
    public int Accepted => Volatile.Read(ref accepted);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync();
                lock (clients) clients.Add(client);
                Interlocked.Increment(ref accepted);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }

    public void Dispose()
    {
        listener.Stop();
        lock (clients) foreach (var client in clients) client.Dispose();
    }
}
