package dev.edgefaas.gateway;

import dev.edgefaas.http.RequestHead;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An asynchronous invocation's request, served by {@link AsyncHandler} on a thread that may
 * block (it writes the request to disk and fsyncs it before answering 202): the body comes
 * through a {@link BodyPipe}, pulled from the client on the handler's first read, and the
 * answer goes out through the connection's {@link ChannelOutput}. Then the connection's loop
 * goes on with its next request.
 */
final class AsyncExchange implements ClientChannel.Exchange {
    private static final Logger LOG = Logger.getLogger(AsyncExchange.class.getName());

    private final AsyncHandler async;
    private final ClientChannel client;
    private final RequestHead head;
    private final Executor blocking;
    private final EventLoop loop;
    private final BodyPipe pipe;

    AsyncExchange(AsyncHandler async, ClientChannel client, RequestHead head, Executor blocking) {
        this.async = async;
        this.client = client;
        this.head = head;
        this.blocking = blocking;
        this.loop = client.channel().eventLoop();
        this.pipe = new BodyPipe(client);
    }

    void start() {
        client.serve(this);
        ClientResponse response = client.response();
        ClientBody body = new ClientBody(pipe, !head.hasBody(), () -> loop.execute(() -> {
            client.sendContinue();
            client.pullBody(pipe);
        }));
        blocking.execute(() -> {
            boolean close = false;
            try {
                async.handle(new ClientRequest(head, body, client.peer().address()), response);
            } catch (ClientSideException e) {
                // The body failed or the client went away: the connection answers 400, or is gone.
                close = true;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "answering " + head.method() + " " + head.rawPath() + " failed", e);
                if (!response.committed()) {
                    response.closeConnectionAfter();
                    ErrorResponses.sendQuietly(response, 500, "the gateway failed while answering: " + e);
                }
                close = true;
            }
            boolean closeConnection = close;
            loop.execute(() -> {
                pipe.close();
                client.requestDone(closeConnection);
            });
        });
    }

    @Override
    public void clientGone() {
        pipe.bodyFailed(new IOException("the client closed the connection"));
    }

    @Override
    public void clientWritable(boolean writable) {
        // Answers here are small, written whole.
    }

    @Override
    public void clientBatchDone() {
    }
}
