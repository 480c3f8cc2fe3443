using System.Buffers;

namespace BackupMonitor.Content;

/// <summary>
/// The decompressed bytes of a gzip file, member after member (`cat a.gz b.gz` is a valid gzip), each member's
/// CRC-32 and length checked by zlib. A stream that ends before a member's trailer, or bytes zlib rejects,
/// throw <see cref="ContentBrokenException"/> saying where.
/// </summary>
internal sealed class GzipMembersStream : ReadOnlyStream
{
    private const int InputSize = 256 * 1024;
    private readonly Stream source;
    private readonly ZlibInflater inflater = new(ZlibInflater.Gzip);
    private readonly byte[] input = ArrayPool<byte>.Shared.Rent(InputSize);
    private int start, end;
    private long fed;
    private bool sourceEnded, finished, inMember = true;
    private int members;

    public GzipMembersStream(Stream source) => this.source = source;

    /// <summary>Compressed bytes consumed so far: where in the file the decoder is.</summary>
    private long Position0 => fed - (end - start);

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        while (!finished)
        {
            if (start == end && !Refill())
            {
                if (inMember) throw new ContentBrokenException($"gzip: stream ends at byte {fed} before its trailer{MemberWords()}");
                finished = true;
                break;
            }
            if (!inMember)
            {
                // After a member: another member, or the end (zero padding or other bytes gunzip ignores).
                if (end - start < 2) Refill();
                if (end - start < 2 || input[start] != 0x1F || input[start + 1] != 0x8B) { finished = true; break; }
                inflater.Reset();
                inMember = true;
            }
            var result = inflater.Run(input.AsSpan(start, end - start), buffer, out var consumed, out var produced);
            start += consumed;
            if (result == ZlibInflater.Result.DataError)
                throw new ContentBrokenException($"gzip: damaged data near byte {Position0}{MemberWords()}: {Plain(inflater.LastMessage)}");
            if (result == ZlibInflater.Result.StreamEnd)
            {
                members++;
                inMember = false;
            }
            if (produced > 0) return produced;
        }
        return 0;
    }

    private string MemberWords() => members == 0 ? "" : $" (in member {members + 1})";

    private static string Plain(string? zlibMessage) => zlibMessage switch
    {
        "incorrect data check" => "the CRC-32 in the trailer does not match the data",
        "incorrect length check" => "the length in the trailer does not match the data",
        "incorrect header check" => "the member header is damaged",
        _ => zlibMessage ?? "zlib refused the data",
    };

    /// <summary>Moves what is left to the front and reads more; false at the end of the source.</summary>
    private bool Refill()
    {
        if (sourceEnded) return end > start;
        if (start > 0)
        {
            input.AsSpan(start, end - start).CopyTo(input);
            (end, start) = (end - start, 0);
        }
        var read = source.Read(input.AsSpan(end, InputSize - end));
        if (read == 0)
        {
            sourceEnded = true;
            return end > start;
        }
        end += read;
        fed += read;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inflater.Dispose();
            ArrayPool<byte>.Shared.Return(input);
        }
        base.Dispose(disposing);
    }
}
