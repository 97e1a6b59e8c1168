from django.http import HttpResponse


# Placeholder until the callback form lands (issue 4).
def request_callback(request):
    return HttpResponse(status=503)


def queue(request):
    return HttpResponse(status=503)
