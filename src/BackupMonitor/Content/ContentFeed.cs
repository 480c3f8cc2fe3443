using System.Buffers;
using System.Threading.Channels;
using BackupMonitor.Domain;

namespace BackupMonitor.Content;

/// <summary>
/// The content check's side of the hashing read (SPEC §5.1: the file is read once). The reader pushes each
/// buffer it hashed; the format is recognised from the first one. A file that fits in one buffer is checked
/// right there; a larger one is decoded on its own thread (the second core) from a bounded queue of the
/// reader's buffers, so the reader waits when decoding falls four buffers behind and memory stays flat.
/// </summary>
public sealed class ContentFeed(long fileSize, string path) : IAsyncDisposable
{
    private const int QueuedBuffers = 4;

    private BackupFormat? format;
    private ContentVerdict? verdict;
    private Channel<(byte[] Buffer, int Length)>? queue;
    private Task<ContentVerdict>? checking;
    private volatile bool consumerDone;
    private bool first = true;

    /// <summary>
    /// Offers the next bytes read (<paramref name="buffer"/>, <paramref name="length"/> of them). True when the
    /// feed took the buffer (it returns it to <see cref="ArrayPool{T}.Shared"/>): the reader must rent another.
    /// </summary>
    public async ValueTask<bool> PushAsync(byte[] buffer, int length, CancellationToken cancellationToken)
    {
        if (first)
        {
            first = false;
            format = FormatSniffer.Identify(buffer.AsSpan(0, Math.Min(length, FormatSniffer.HeadSize)));
            if (format is not { } known)
            {
                verdict = ContentVerdict.Unrecognised;
                return false;
            }
            if (known == BackupFormat.Zip) return false; // checked after the read, by reading the file again (ZipArchive seeks)
            if (length >= fileSize)
            {
                verdict = ContentChecker.Check(known, new MemoryStream(buffer, 0, length, writable: false), fileSize, path);
                return false;
            }
            queue = Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(QueuedBuffers) { SingleReader = true, SingleWriter = true });
            var relay = new RelayStream(queue.Reader);
            checking = Task.Factory.StartNew(() => Consume(known, relay), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        if (queue is null || consumerDone) return false;
        await queue.Writer.WriteAsync((buffer, length), cancellationToken);
        return true;
    }

    /// <summary>The verdict, once every byte was pushed.</summary>
    public async Task<ContentVerdict> FinishAsync(CancellationToken cancellationToken)
    {
        if (format == BackupFormat.Zip) return await Task.Run(() => ContentChecker.Check(BackupFormat.Zip, Stream.Null, fileSize, path), cancellationToken);
        if (checking is null) return verdict ?? ContentVerdict.Unrecognised;
        queue!.Writer.TryComplete();
        return await checking;
    }

    private ContentVerdict Consume(BackupFormat known, RelayStream relay)
    {
        try
        {
            return ContentChecker.Check(known, relay, fileSize, path);
        }
        catch (Exception e)
        {
            return ContentVerdict.Skipped(known.Name(), $"{known.Name()}: the check could not run ({e.Message.TrimEnd('.')}): not checked");
        }
        finally
        {
            consumerDone = true;
            relay.DrainRest(); // the reader may be waiting on a full queue: release it, and return every buffer
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (queue is null || checking is null) return;
        queue.Writer.TryComplete();
        try { await checking; } catch (Exception) { /* the read failed: its own exception is the one that counts */ }
    }

    /// <summary>The queued buffers as one stream, read on the check's thread; each buffer goes back to the pool once read.</summary>
    private sealed class RelayStream(ChannelReader<(byte[] Buffer, int Length)> reader) : ReadOnlyStream
    {
        private byte[]? current;
        private int offset, length;

        public override int Read(Span<byte> buffer)
        {
            while (current is null || offset == length)
            {
                Release();
                if (!Next()) return 0;
            }
            var n = Math.Min(buffer.Length, length - offset);
            current.AsSpan(offset, n).CopyTo(buffer);
            offset += n;
            return n;
        }

        private bool Next()
        {
            (byte[] Buffer, int Length) item;
            while (!reader.TryRead(out item))
            {
                if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) return false;
            }
            (current, offset, length) = (item.Buffer, 0, item.Length);
            return true;
        }

        private void Release()
        {
            if (current is not null) ArrayPool<byte>.Shared.Return(current);
            current = null;
        }

        public void DrainRest()
        {
            Release();
            while (Next()) Release();
        }
    }
}
