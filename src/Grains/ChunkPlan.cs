using Uploads.Abstractions;

namespace Uploads.Grains;

/// <summary>How a file of a given size is cut into chunks.</summary>
/// <param name="ChunkSize">The size of every chunk but the last.</param>
/// <param name="ChunkCount">The number of chunks; zero for an empty file.</param>
public readonly record struct ChunkPlan(long ChunkSize, int ChunkCount)
{
    /// <summary>
    /// Plans the chunks of a file of <paramref name="size"/> bytes: with the client's <paramref name="requestedChunkSize"/>
    /// when it gave one, else the default raised (to a whole MiB) so the file needs at most <c>MaxChunkCount</c> chunks.
    /// </summary>
    /// <exception cref="UploadException"><c>payload_too_large</c> or <c>validation_error</c>.</exception>
    public static ChunkPlan For(long size, long? requestedChunkSize, UploadLimitsOptions limits)
    {
        if (size < 0)
        {
            throw new UploadException(UploadErrorCodes.ValidationError, "size must be zero or more.");
        }

        if (size > limits.MaxUploadBytes)
        {
            throw new UploadException(UploadErrorCodes.PayloadTooLarge, $"size {size} is more than the largest upload accepted, {limits.MaxUploadBytes} bytes.");
        }

        long chunkSize;
        if (requestedChunkSize is { } requested)
        {
            if (requested < limits.MinChunkSize || requested > limits.MaxChunkSize)
            {
                throw new UploadException(UploadErrorCodes.ValidationError, $"chunkSize must lie between {limits.MinChunkSize} and {limits.MaxChunkSize} bytes.");
            }

            chunkSize = requested;
            if (ChunkCountFor(size, chunkSize) > limits.MaxChunkCount)
            {
                throw new UploadException(UploadErrorCodes.ValidationError, $"chunkSize {chunkSize} would need more than {limits.MaxChunkCount} chunks for {size} bytes; choose at least {DivideRoundingUp(size, limits.MaxChunkCount)}.");
            }
        }
        else
        {
            chunkSize = limits.DefaultChunkSize;
            if (ChunkCountFor(size, chunkSize) > limits.MaxChunkCount)
            {
                const long MiB = 1024 * 1024;
                chunkSize = DivideRoundingUp(DivideRoundingUp(size, limits.MaxChunkCount), MiB) * MiB;
                // Options validation guarantees MaxUploadBytes <= MaxChunkSize * MaxChunkCount, so the cap keeps the count in bounds.
                chunkSize = Math.Min(chunkSize, limits.MaxChunkSize);
            }
        }

        return new ChunkPlan(chunkSize, (int)ChunkCountFor(size, chunkSize));
    }

    /// <summary>The plan of a file of <paramref name="size"/> bytes cut into chunks of <paramref name="chunkSize"/> bytes.</summary>
    public static ChunkPlan FromChunkSize(long size, long chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        return new ChunkPlan(chunkSize, checked((int)ChunkCountFor(size, chunkSize)));
    }

    /// <summary>The size chunk <paramref name="index"/> must have in an upload of <paramref name="size"/> bytes.</summary>
    public long SizeOf(int index, long size) =>
        index < ChunkCount - 1 ? ChunkSize : size - ((long)(ChunkCount - 1) * ChunkSize);

    private static long ChunkCountFor(long size, long chunkSize) => DivideRoundingUp(size, chunkSize);

    private static long DivideRoundingUp(long value, long divisor) => (value + divisor - 1) / divisor;
}
