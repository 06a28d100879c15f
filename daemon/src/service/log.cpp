// placeholder: the service lands here
