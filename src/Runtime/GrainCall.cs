using System.Reflection;

namespace Uploads.Runtime;

/// <summary>
/// One call of a grain method, as a message: the grain, the interface method and its arguments. A trailing
/// <see cref="CancellationToken"/> parameter is not among <see cref="Arguments"/>; it travels beside the message.
/// The message holds no delegates, so a cluster can forward it to another silo as the method's name and JSON arguments.
/// </summary>
/// <param name="GrainId">The grain called.</param>
/// <param name="Method">The method of the grain interface called.</param>
/// <param name="Arguments">The arguments, in parameter order, without the cancellation token.</param>
internal sealed record GrainCall(GrainId GrainId, MethodInfo Method, object?[] Arguments);
