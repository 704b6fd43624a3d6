using System.Buffers;
using Microsoft.AspNetCore.Http;
using Uploads.Abstractions;
using Uploads.Gateway.Apis;
using Uploads.Grains;
using Uploads.Storage;

namespace Uploads.Gateway.Tus;

/// <summary>
/// Appends the body of a tus request to an upload. The body is cut into blocks of at most the upload's part size,
/// each streamed into the block store while it is hashed; without a checksum each block is committed as soon as it
/// is staged (its commit overlapping the staging of the next), so a connection lost far into a long request keeps all but the block under way, and memory does not
/// grow with the request (a body without Content-Length is read a block at a time, at most the default chunk size). With <c>Upload-Checksum</c> the blocks are committed together once the whole body
/// matches, so a mismatch changes nothing.
/// </summary>
internal static class TusBodyWriter
{
    /// <summary>Appends the body at <paramref name="offset"/>; returns the upload after it, or <see langword="null"/> when the checksum did not match.</summary>
    public static async Task<UploadSnapshot?> AppendAsync(
        HttpContext context,
        IUploadGrain upload,
        IBlockStore blocks,
        long offset,
        long? declaredLength,
        TusChecksum? checksum,
        UploadLimitsOptions limits,
        CancellationToken cancellationToken)
    {
        var target = await upload.BeginAppendAsync(offset, cancellationToken);
        if (declaredLength is { } declared && (declared < offset || (target.Length is { } current && current != declared)))
        {
            throw new UploadException(
                UploadErrorCodes.ValidationError,
                target.Length is { } fixedLength ? $"The upload's length is {fixedLength} bytes and cannot change." : $"Upload-Length {declared} is less than the upload's offset, {offset}.");
        }

        var room = (target.Length ?? declaredLength ?? limits.MaxUploadBytes) - offset;
        var contentLength = context.Request.ContentLength;
        if (contentLength > room)
        {
            throw new UploadException(UploadErrorCodes.PayloadTooLarge, $"The body of {contentLength} bytes would take the upload past its length: it has room for {room} more.");
        }

        using var wholeBody = checksum?.CreateHash();
        var staged = new List<AppendedBlock>();
        var index = target.NextIndex;
        var written = 0L;
        UploadSnapshot? snapshot = null;
        Task<UploadSnapshot>? committing = null;
        byte[]? buffer = null;
        try
        {
            while (true)
            {
                // With a known length each block streams straight from the request; without one (a chunked body)
                // a block is read into a buffer first, since a block is staged with its length.
                long length;
                Stream content;
                if (contentLength is { } total)
                {
                    length = Math.Min(target.MaxPartSize, total - written);
                    content = new BoundedReadStream(context.Request.Body, length);
                }
                else
                {
                    // At most the default chunk size, however large the parts of a long upload may be.
                    var size = (int)Math.Min(target.MaxPartSize, limits.DefaultChunkSize);
                    buffer ??= ArrayPool<byte>.Shared.Rent(size);
                    length = await context.Request.Body.ReadAtLeastAsync(buffer.AsMemory(0, size), size, throwOnEndOfStream: false, cancellationToken);
                    content = new MemoryStream(buffer, 0, (int)length, writable: false);
                }

                if (length == 0)
                {
                    break;
                }

                if (written + length > room)
                {
                    throw new UploadException(UploadErrorCodes.PayloadTooLarge, $"The body would take the upload past its length: it had room for {room} more bytes.");
                }

                var blockId = BlockIds.New(index++);
                byte[] sha256;
                await using (var hashing = new HashingReadStream(content, shared: wholeBody))
                {
                    await blocks.StageBlockAsync(target.BlobName, blockId, hashing, length, cancellationToken: cancellationToken);
                    sha256 = hashing.GetSha256();
                }

                var block = new AppendedBlock(blockId, length, sha256);
                if (checksum is null)
                {
                    // One commit at a time, in order; each runs while the next block is staged. Committed even if the
                    // client has gone meanwhile: the block is durable and the client resumes after it.
                    if (committing is not null)
                    {
                        snapshot = await committing;
                    }

                    committing = upload.CommitAppendAsync(new AppendCommit(offset + written, [block], declaredLength), CancellationToken.None);
                }
                else
                {
                    staged.Add(block);
                }

                written += length;
            }

            if (committing is not null)
            {
                snapshot = await committing;
            }
        }
        catch when (committing is { IsCompleted: false })
        {
            // The last block's commit goes on whatever became of the next one: let it land before the failure is answered.
            await Task.WhenAny(committing);
            throw;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        if (checksum is not null && !checksum.Matches(wholeBody!.GetHashAndReset()))
        {
            // The staged blocks are never committed; completion or abort releases them with the rest.
            return null;
        }

        if (staged.Count > 0 || snapshot is null)
        {
            // The blocks checked against the checksum, or no block at all: an empty append may still declare the length.
            snapshot = await upload.CommitAppendAsync(new AppendCommit(offset, staged, declaredLength), CancellationToken.None);
        }

        return snapshot;
    }
}
